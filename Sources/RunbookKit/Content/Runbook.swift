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
  /// Images the source lacks, loaded from upstream instead: page name → relative path → URL.
  public var upstreamImages: [String: [String: String]]
  /// Validation notes by page name.
  public var notes: [String: ValidationNotes]
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
    matcher = SampleMatcher(values: definition.values)

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
    var upstreamImages: [String: [String: String]] = [:]
    var warnings: [Diagnostic] = []
    for (page, outline) in zip(pages, outlines) {
      for image in outline.images {
        let file = page.directory.appendingPathComponent(image.path).standardizedFileURL
        let inside = file.path.hasPrefix(page.directory.standardizedFileURL.path + "/")
        if inside && FileManager.default.fileExists(atPath: file.path) {
          if !(images[page.name]?.contains(image.path) ?? false) { images[page.name, default: []].append(image.path) }
        } else if definition.imagesFromUpstream, let upstream = definition.upstream,
          let url = URL(string: image.path, relativeTo: URL(string: upstream))?.absoluteString
        {
          upstreamImages[page.name, default: [:]][image.path] = url
        } else {
          missing[page.name, default: []].insert(image.path)
          warnings.append(
            .warning(
              at: SourceLocation(path: page.path, line: image.line), "image '\(image.path)' is missing",
              fix: inside
                ? "copy it to \(location.display(file)), or add 'images: upstream' to the runbook definition to load it from the upstream site; until then the page shows a framed placeholder with its alt text"
                : "keep images inside the page's folder; this one is shown as a placeholder"))
        }
      }
    }
    self.images = images
    self.missingImages = missing
    self.upstreamImages = upstreamImages

    var notes: [String: ValidationNotes] = [:]
    let checksFolder = location.url(definition.checks)
    for outline in outlines {
      let url = checksFolder.appendingPathComponent("\(outline.name).yml")
      guard let text = try? String(contentsOf: url, encoding: .utf8) else {
        warnings.append(
          .warning(
            at: SourceLocation(path: outline.path), "the page has no validation notes",
            fix: "write \(location.display(url)) with a note for each step, keyed by stage and step number"))
        continue
      }
      do {
        let pageNotes = try ValidationNotes(path: location.display(url), text: text)
        let found = pageNotes.check(against: outline)
        diagnostics += found.errors
        warnings += found.warnings
        notes[outline.name] = pageNotes
      } catch {
        diagnostics += error.diagnostics
      }
    }
    // Warnings go along with errors, so that one run shows everything to fix.
    if diagnostics.hasErrors { throw DiagnosticError(diagnostics + warnings) }
    self.notes = notes
    self.warnings = warnings.sortedByLocation()
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
