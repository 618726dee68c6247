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
    let full = url.standardizedFileURL.path
    let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
    return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : full
  }

  public var deploymentsFolder: URL { url("Content/deployments") }
  public var templatesFolder: URL { url("Templates") }
}

/// A runbook read once and shared by every deployment: its definition, its pages parsed to
/// outlines, and the sample-name matcher.
public struct Runbook: Sendable {
  public var location: RunbookLocation
  public var definition: RunbookDefinition
  public var pages: [PageSource]
  public var outlines: [PageOutline]
  public var matcher: SampleMatcher
  public var links: LinkResolver
  /// Relative image paths that exist, by page name, and those that do not.
  public var images: [String: [String]]
  public var missingImages: [String: Set<String>]
  /// Problems that do not stop a build (missing images): errors under `--strict`.
  public var warnings: [Diagnostic]

  /// Reads the definition and every page; throws every problem found, sorted by file and line.
  public init(loading location: RunbookLocation) throws(DiagnosticError) {
    self.location = location
    let definitionURL = location.url(location.definition)
    guard let text = try? String(contentsOf: definitionURL, encoding: .utf8) else {
      throw DiagnosticError([
        .error(
          at: SourceLocation(path: location.display(definitionURL)), "cannot read the runbook definition",
          fix: "run runbook from the folder holding Content/, or point --root or --runbook at it")
      ])
    }
    definition = try RunbookDefinition(path: location.display(definitionURL), text: text)
    let sourceFolder = location.url(location.source ?? definition.source)
    matcher = SampleMatcher(samples: definition.values.map(\.samples))

    var diagnostics: [Diagnostic] = []
    var pages: [PageSource] = []
    for fileName in definition.pages {
      let url = sourceFolder.appendingPathComponent(fileName)
      guard let pageText = try? String(contentsOf: url, encoding: .utf8) else {
        diagnostics.append(
          .error(
            at: SourceLocation(path: definition.path), "cannot read page '\(fileName)' in \(location.display(sourceFolder))",
            fix: "check the name under 'pages:', or point --source at the folder holding the pages"))
        continue
      }
      do {
        let name = String(url.deletingPathExtension().lastPathComponent)
        pages.append(
          try PageSource(
            name: name, path: location.display(url), directory: url.deletingLastPathComponent(), text: pageText))
      } catch {
        diagnostics += error.diagnostics
      }
    }
    if diagnostics.hasErrors { throw DiagnosticError(diagnostics) }
    self.pages = pages
    let matcher = matcher
    outlines = pages.map { PageRenderer(page: $0, matcher: matcher).outline() }
    links = LinkResolver(outlines: outlines, upstream: definition.upstream)

    var images: [String: [String]] = [:]
    var missing: [String: Set<String>] = [:]
    var warnings: [Diagnostic] = []
    for (page, outline) in zip(pages, outlines) {
      for image in outline.images {
        let file = page.directory.appendingPathComponent(image.path).standardizedFileURL
        let inside = file.path.hasPrefix(page.directory.standardizedFileURL.path + "/")
        if inside && FileManager.default.fileExists(atPath: file.path) {
          if !(images[page.name]?.contains(image.path) ?? false) { images[page.name, default: []].append(image.path) }
        } else {
          missing[page.name, default: []].insert(image.path)
          warnings.append(
            .warning(
              at: SourceLocation(path: page.path, line: image.line), "image '\(image.path)' is missing",
              fix: inside
                ? "copy it to \(location.display(file)); until then the page shows a framed placeholder with its alt text"
                : "keep images inside the page's folder; this one is shown as a placeholder"))
        }
      }
    }
    self.images = images
    self.missingImages = missing
    self.warnings = warnings
  }

  /// Every `*.yml` file in `Content/deployments/`, sorted by name.
  public func defaultDeploymentFiles() -> [URL] {
    let folder = location.deploymentsFolder
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map {
      folder.appendingPathComponent($0)
    }
  }
}
