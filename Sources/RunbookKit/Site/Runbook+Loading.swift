import Foundation

extension Runbook {
  /// Reads the definition and every page; throws every problem found, sorted by file and line.
  ///
  /// - Parameter memo: what the last builds kept (`serve`): the outline of a page that did not
  ///   change is not made again.
  public init(loading location: RunbookLocation, memo: RenderMemo? = nil) throws(DiagnosticError) {
    self.location = location
    definition = try location.loadDefinition()
    let sourceFolder = location.url(location.source ?? definition.source)
    let matcher = SampleMatcher(values: definition.values, keep: definition.keep)
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
        let folder = (fileName as NSString).deletingLastPathComponent
        var page = try PageSource(
          name: name, path: location.display(url), directory: url.deletingLastPathComponent(),
          folder: folder, text: pageText)
        page.includes = IncludeFiles(
          of: page.body, in: page.directory, root: sourceFolder, display: location.display)
        let renderer = PageRenderer(
          page: page, matcher: matcher, fixDashes: definition.fixDashes,
          reference: definition.reference)
        let outline = memo.value(\.outlines, page) { renderer.outline() }
        pages.append(page)
        outlines.append(outline)
        if definition.start != nil,
          let next = outline.navigation.first(where: { $0.direction == .next }),
          let target = LinkResolver.relativePath(of: next.target, from: page.folder),
          target.hasSuffix(".md"),
          !pages.contains(where: { $0.folder + $0.name + ".md" == target }),
          FileManager.default.fileExists(atPath: sourceFolder.appendingPathComponent(target).path)
        {
          queue.append(target)
        }
      } catch {
        diagnostics += error.diagnostics
      }
    }
    diagnostics += Self.checkChoices(definition, pages: pages)
    diagnostics += Self.checkOutputPaths(definition, outlines: outlines)
    if diagnostics.hasErrors { throw DiagnosticError(diagnostics) }
    self.pages = pages
    self.outlines = outlines
    var stepSources: [String: String] = [:]
    for outline in outlines {
      for stage in outline.stages {
        for step in stage.steps {
          stepSources["\(outline.name)/\(stage.slug)/\(step.number)"] = step.source
        }
      }
    }
    self.stepSources = stepSources
    links = LinkResolver(outlines: outlines, upstream: definition.upstream)

    var images: [String: [SiteFile]] = [:]
    var missing: [String: Set<String>] = [:]
    var upstreamImages: [String: [String: String]] = [:]
    var warnings: [Diagnostic] = outlines.flatMap(\.warnings)
    for (page, outline) in zip(pages, outlines) {
      for image in outline.images {
        let file = page.directory.appendingPathComponent(image.path).standardizedFileURL
        let inside = file.path.hasPrefix(page.directory.standardizedFileURL.path + "/")
        if inside,
          let link = ContainedPath.escapingLink(
            image.path, from: page.directory, root: page.directory)
        {
          diagnostics.append(
            .error(
              at: image.location,
              "the image '\(image.path)' leads outside the page's folder through the symbolic link '\(link)'",
              fix: "copy the image into the page's folder instead of linking to it"))
          continue
        }
        if inside, let data = FileManager.default.contents(atPath: file.path) {
          if !(images[page.name]?.contains { $0.path == image.path } ?? false) {
            images[page.name, default: []].append(SiteFile(path: image.path, data: data))
          }
        } else if definition.imagesFromUpstream, let upstream = definition.upstream,
          let url = URL(string: image.path, relativeTo: URL(string: upstream + page.folder))?
            .absoluteString
        {
          upstreamImages[page.name, default: [:]][image.path] = url
        } else {
          missing[page.name, default: []].insert(image.path)
          warnings.append(
            .warning(
              at: image.location,
              "image '\(image.path)' is missing",
              fix: inside
                ? "copy it to \(location.display(file)), or add 'images: upstream' to the runbook definition to load it from the upstream site; until then the page shows a framed placeholder with its alt text"
                : "keep images inside the page's folder; this one is shown as a placeholder"))
        }
      }
    }
    if diagnostics.hasErrors { throw DiagnosticError(diagnostics) }
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
        let path = location.display(url)
        let pageNotes = try memo.value(\.notes, [path, text]) {
          Result { () throws(DiagnosticError) in try ValidationNotes(path: path, text: text) }
        }.get()
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
  public var deploymentsFolder: URL { location.deploymentsFolder(of: definition) }

  /// Every `*.yml` and `*.yaml` file in the deployments folder, sorted by name.
  public func defaultDeploymentFiles() -> [URL] { location.deploymentFiles(of: definition) }

  /// Every page writes its stages into a folder named after it, each stage a file named after
  /// its heading: two pages of one name (in two folders, or listed twice), or two stages of one
  /// slug, would write one file, the last one winning.
  static func checkOutputPaths(_ definition: RunbookDefinition, outlines: [PageOutline])
    -> [Diagnostic]
  {
    var diagnostics: [Diagnostic] = []
    var pageByName: [String: PageOutline] = [:]
    for outline in outlines {
      var stageBySlug: [String: StageOutline] = [:]
      for stage in outline.stages {
        guard let first = stageBySlug[stage.slug] else {
          stageBySlug[stage.slug] = stage
          continue
        }
        diagnostics.append(
          .error(
            at: SourceLocation(path: outline.path, line: stage.line),
            "the stage '\(stage.title)' would be written to \(outline.name)/\(stage.slug).html, as the stage '\(first.title)' at line \(first.line) is",
            fix:
              "give one of the two H2 headings other words (the page is your copy: edit it), or make one an H3 inside the other's stage"
          ))
      }
      if let first = pageByName[outline.name] {
        let twice = first.path == outline.path
        diagnostics.append(
          .error(
            at: SourceLocation(path: definition.path),
            twice
              ? "the page \(outline.path) is in the runbook twice"
              : "the pages \(first.path) and \(outline.path) would both be written to \(outline.name)/",
            fix: twice
              ? "list it once under 'pages:'"
              : "rename one of the files: a page's stages are written to a folder named after the file"
          ))
        continue
      }
      pageByName[outline.name] = outline
    }
    return diagnostics
  }

  /// A choice must name a page of the runbook, and each option's start text must be on it, or
  /// a deployment's `choose:` would silently show every alternative.
  static func checkChoices(_ definition: RunbookDefinition, pages: [PageSource]) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    let at = SourceLocation(path: definition.path)
    for choice in definition.choices where choice.kind != .text {
      // Tabs and pivots may be on any page or in what the pages include.
      let texts = pages.flatMap { [$0.body] + $0.includes.files.values.compactMap { $0?.body } }
      for option in choice.options
      where !texts.contains(where: { DocFXMarks.ids(of: choice.kind, in: $0).contains(option.id) })
      {
        let mark =
          choice.kind == .tabs ? "'#tab/\(option.id)'" : "'::: zone pivot=\"\(option.id)\"'"
        diagnostics.append(
          .error(
            at: at,
            "option '\(option.id)' of the choice '\(choice.key)' is \(mark), which no page of this runbook writes",
            fix:
              "give the ids the pages write (\(Set(texts.flatMap { DocFXMarks.ids(of: choice.kind, in: $0) }).sorted().joined(separator: ", ")))"
          ))
      }
    }
    for choice in definition.choices where choice.kind == .text {
      guard let page = pages.first(where: { $0.folder + $0.name + ".md" == choice.page }) else {
        diagnostics.append(
          .error(
            at: at,
            "the choice '\(choice.key)' names the page '\(choice.page)', which is not in this runbook",
            fix:
              "the pages are \(pages.map { $0.folder + $0.name + ".md" }.joined(separator: ", "))"))
        continue
      }
      let text = page.body.lowercased()
      for option in choice.options where !text.contains(option.start.lowercased()) {
        diagnostics.append(
          .error(
            at: at,
            "option '\(option.id)' of the choice '\(choice.key)' starts at '\(option.start)', which \(page.path) never writes",
            fix: "give the words the page's heading or lead-in starts with, as the page writes them"
          ))
      }
    }
    return diagnostics
  }
}
