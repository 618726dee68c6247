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
    definition = try location.loadDefinition()
    let sourceFolder = location.url(location.source ?? definition.source)
    let matcher = SampleMatcher(values: definition.values)
    self.matcher = matcher

    var diagnostics: [Diagnostic] = []
    var pages: [PageSource] = []
    var outlines: [PageOutline] = []
    // The listed pages, or the chain of step-by-step "next" links from the start page.
    var queue = definition.start.map { [$0] } ?? definition.pages
    while !queue.isEmpty {
      let fileName = queue.removeFirst()
      let url = sourceFolder.appendingPathComponent(fileName)
      guard let pageText = try? String(contentsOf: url, encoding: .utf8) else {
        let how =
          definition.start == nil
          ? "check the name under 'pages:'" : "check 'start:' and the step-by-step links"
        diagnostics.append(
          .error(
            at: SourceLocation(path: definition.path),
            "cannot read page '\(fileName)' in \(location.display(sourceFolder))",
            fix: "\(how), or point --source at the folder holding the pages"))
        continue
      }
      do {
        let name = String(url.deletingPathExtension().lastPathComponent)
        let page = try PageSource(
          name: name, path: location.display(url), directory: url.deletingLastPathComponent(),
          text: pageText)
        let outline = PageRenderer(page: page, matcher: matcher).outline()
        pages.append(page)
        outlines.append(outline)
        if definition.start != nil,
          let next = outline.navigation.first(where: { $0.direction == .next }),
          let target = LinkResolver.pageName(next.target),
          !pages.contains(where: { $0.name == target }),
          FileManager.default.fileExists(
            atPath: sourceFolder.appendingPathComponent("\(target).md").path)
        {
          queue.append("\(target).md")
        }
      } catch {
        diagnostics += error.diagnostics
      }
    }
    if diagnostics.hasErrors { throw DiagnosticError(diagnostics) }
    self.pages = pages
    self.outlines = outlines
    links = LinkResolver(outlines: outlines, upstream: definition.upstream)

    var images: [String: [String]] = [:]
    var missing: [String: Set<String>] = [:]
    var upstreamImages: [String: [String: String]] = [:]
    var warnings: [Diagnostic] = outlines.flatMap(\.warnings)
    for (page, outline) in zip(pages, outlines) {
      for image in outline.images {
        let file = page.directory.appendingPathComponent(image.path).standardizedFileURL
        let inside = file.path.hasPrefix(page.directory.standardizedFileURL.path + "/")
        if inside && FileManager.default.fileExists(atPath: file.path) {
          if !(images[page.name]?.contains(image.path) ?? false) {
            images[page.name, default: []].append(image.path)
          }
        } else if definition.imagesFromUpstream, let upstream = definition.upstream,
          let url = URL(string: image.path, relativeTo: URL(string: upstream))?.absoluteString
        {
          upstreamImages[page.name, default: [:]][image.path] = url
        } else {
          missing[page.name, default: []].insert(image.path)
          warnings.append(
            .warning(
              at: SourceLocation(path: page.path, line: image.line),
              "image '\(image.path)' is missing",
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
            fix:
              "write \(location.display(url)) with a note for each step, keyed by stage and step number"
          ))
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

  /// The folder of this runbook's deployment files.
  public var deploymentsFolder: URL { location.url(definition.deployments) }

  /// Every `*.yml` file in the deployments folder, sorted by name.
  public func defaultDeploymentFiles() -> [URL] {
    let folder = deploymentsFolder
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map {
      folder.appendingPathComponent($0)
    }
  }
}
