import Foundation

/// Where a runbook's files are: the folder holding `Content/` and `Templates/`, and overrides.
public struct RunbookLocation: Sendable {
  public var root: URL
  /// The runbook definition, relative to `root` or absolute.
  public var definition: String
  /// Reads the pages from this folder instead of the definition's `source:`.
  public var source: String?

  public init(root: URL, definition: String = "Content/runbook.yml", source: String? = nil) {
    self.root = root.standardizedFileURL
    self.definition = definition
    self.source = source
  }

  public func url(_ path: String) -> URL {
    path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
  }

  /// `path` as diagnostics show it: relative to the root when it is inside it.
  public func display(_ url: URL) -> String {
    display(standardized: url.standardizedFileURL.path)
  }

  /// `display(URL(fileURLWithPath: path))`, without making a URL when `path` has no `.` or
  /// `..` to take out: a build names a thousand deployment files.
  public func display(path: String) -> String {
    guard !path.contains("/.") && !path.contains("//") && path.hasPrefix("/") else {
      return display(URL(fileURLWithPath: path))
    }
    return display(standardized: path)
  }

  private func display(standardized full: String) -> String {
    let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
    return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : full
  }

  public var templatesFolder: URL { url("Templates") }

  /// The runbook definition alone, for commands that need its folders before building.
  public func loadDefinition() throws(DiagnosticError) -> RunbookDefinition {
    let url = url(definition)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
      throw DiagnosticError([
        .error(
          at: SourceLocation(path: display(url)), "cannot read the runbook definition",
          fix: "run runbook from the folder holding Content/, or point --root or --runbook at it")
      ])
    }
    return try RunbookDefinition(path: display(url), text: text)
  }

  /// The folder of a runbook's deployment files.
  public func deploymentsFolder(of definition: RunbookDefinition) -> URL {
    url(definition.deployments)
  }

  /// Every `*.yml` and `*.yaml` file in the deployments folder, sorted by name.
  public func deploymentFiles(of definition: RunbookDefinition) -> [URL] {
    let folder = deploymentsFolder(of: definition)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map {
      folder.appendingPathComponent($0)
    }
  }

  /// The deployment file a command names: a path (`.yml` or `.yaml`, relative to `base`), or a
  /// name looked up in the deployments folder.
  public func deploymentFile(
    named name: String, definition: RunbookDefinition, relativeTo base: URL
  ) throws(DiagnosticError) -> URL {
    let isPath = name.hasSuffix(".yml") || name.hasSuffix(".yaml") || name.contains("/")
    let candidates =
      isPath
      ? [URL(fileURLWithPath: name, relativeTo: base).standardizedFileURL]
      : ["yml", "yaml"].map {
        deploymentsFolder(of: definition).appendingPathComponent("\(name).\($0)")
      }
    if let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) {
      return file
    }
    let known = deploymentFiles(of: definition).map {
      $0.deletingPathExtension().lastPathComponent
    }
    throw DiagnosticError([
      .error(
        at: SourceLocation(path: display(candidates[0])), "no such deployment file",
        fix: known.isEmpty
          ? "write one with 'runbook init NAME'"
          : "the deployments are \(known.joined(separator: ", "))")
    ])
  }
}
