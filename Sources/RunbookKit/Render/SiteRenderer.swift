import Foundation

/// A file of a deployment's site, relative to the site's folder.
public struct SiteFile: Sendable {
  public var path: String
  public var data: Data
  /// The same bytes in every deployment's site (assets, images): written once and linked.
  public var shared: Bool
  /// Equal in two builds only when the file's bytes are equal: a rebuild keeps the file it
  /// already holds under that key instead of writing it again. Nil when not known.
  public var key: String?

  public init(path: String, data: Data, shared: Bool = false, key: String? = nil) {
    self.path = path
    self.data = data
    self.shared = shared
    self.key = key
  }

  public init(path: String, text: String) {
    self.init(path: path, data: Data(text.utf8))
  }
}

/// Everything one deployment's site is made of, before it is written.
public struct DeploymentSite: Sendable {
  public var deployment: Deployment
  public var runbookTitle: String
  public var files: [SiteFile]
  public var stageCount: Int
  public var stepCount: Int
  /// Errors stop this deployment from being written; warnings do not.
  public var diagnostics: [Diagnostic]
  /// The key of the whole site (`CompiledSite.key(for:)`).
  public var key: String?
  /// The key of what the site is built from, known before the deployment file is even parsed:
  /// its bytes and everything else the build reads. A sink that holds a site under it lets the
  /// next build skip the deployment altogether.
  public var preKey: String?
  /// The warnings the build reported for this deployment, kept with the site so that a build
  /// that skips it reports them again.
  public var warnings: [Diagnostic] = []
}

/// Renders one deployment's site from the runbook and the templates.
public struct SiteRenderer: Sendable {
  public let runbook: Runbook
  public let templates: Templates
  /// Shown on the pages; from `SOURCE_DATE_EPOCH` when set, so rebuilds are byte-identical.
  public let buildDate: String
  /// The print page's paper.
  public let paper: Paper
  /// What the last builds rendered (`serve`): only what changed is rendered again.
  public let memo: RenderMemo?

  public init(
    runbook: Runbook, templates: Templates, buildDate: String, paper: Paper = .a4,
    memo: RenderMemo? = nil
  ) {
    self.runbook = runbook
    self.templates = templates
    self.buildDate = buildDate
    self.paper = paper
    self.memo = memo
  }

  /// One deployment's site: compiled and filled at once. A batch compiles once and fills many.
  public func render(_ deployment: Deployment) -> DeploymentSite {
    let compiled = compile()
    var site = compiled.fill(deployment)
    site.diagnostics = compiled.diagnostics + site.diagnostics
    return site
  }

  /// The runbook rendered once, with holes where each deployment's values go.
  ///
  /// Substitution runs on the tree as usual, with placeholders for values; what a deployment
  /// changes is then only the text of its values, spliced in with the escaping of the place they
  /// land. Diagnostics of the pages and the output gate depend on the samples, not on the
  /// values, so they are found here once.
  ///
  /// - Parameter selection: the options chosen, by choice key: a site per set of choices.
  public func compile(selection: [String: String] = [:]) -> CompiledSite {
    var placeholders = Deployment(
      id: Hole.id.text, name: Hole.name.text,
      values: Dictionary(
        uniqueKeysWithValues: runbook.definition.valueIndices.map {
          (runbook.definition.spec($0).key, Hole.value($0).text)
        }),
      path: "", fileHash: Hole.hash.text)
    placeholders.choices = selection
    let site = renderDirect(placeholders)
    return CompiledSite(
      runbookTitle: runbook.definition.title, definition: runbook.definition,
      passwords: .passwords(of: runbook.definition.values),
      files: site.files.map { file in
        memo.value(\.compiled, GateKey(path: file.path, data: file.data)) {
          file.path.hasSuffix(".html")
            ? CompiledFile(path: file.path, compiling: file.data)
            : CompiledFile(path: file.path, data: file.data)
        }
      },
      stageCount: site.stageCount, stepCount: site.stepCount, diagnostics: site.diagnostics)
  }

  /// The site rendered straight from the tree with the real values: what `compile` + `fill` must equal.
  func renderDirect(_ deployment: Deployment) -> DeploymentSite {
    let values = runbook.definition.values.map {
      PageValue(spec: $0, text: deployment.values[$0.key] ?? "")
    }
    let links = memo == nil ? [] : Self.linkInputs(runbook.outlines)
    let rendered = runbook.pages.map { page in
      memo.value(
        \.pages, pageRenderKey(page, values: values, links: links, selection: deployment.choices)
      ) {
        PageRenderer(
          page: page, matcher: runbook.matcher, fixDashes: runbook.definition.fixDashes,
          reference: runbook.definition.reference,
          choices: runbook.definition.choices.filter {
            $0.applies(to: page.folder + page.name + ".md")
          }
        ).render(
          values: values, links: runbook.links,
          missingImages: runbook.missingImages[page.name] ?? [],
          imageURLs: runbook.upstreamImages[page.name] ?? [:], notes: runbook.notes[page.name],
          selection: deployment.choices)
      }
    }
    var diagnostics = rendered.flatMap(\.diagnostics)
    var usage = ValueCounts(count: values.count)
    for page in rendered { usage += page.usage }

    // Every stage of every page, in runbook order: the chain of prev/next links. Reference
    // sections ("See also") are pages of their own, outside it.
    let chain = rendered.flatMap { page in
      page.stages.filter { !$0.isReference }.map { (page: page, stage: $0) }
    }
    let references = rendered.flatMap { page in
      page.stages.filter(\.isReference).map { (page: page, stage: $0) }
    }
    let stepCount = chain.reduce(0) { $0 + $1.stage.steps.count }
    let facts = siteFacts(deployment, chain: chain)
    // The pages to render, in the site's order: rendered at once on every core.
    var pages: [(path: String, render: @Sendable () -> String)] = []
    // Each stage's steps, for its page and the print page; the stage list once, marked for
    // each stage page.
    let stepsOfChain = chain.map { steps(of: $0, keyed: true) }
    let menu = Self.contents(of: rendered, from: "../")
    for (index, link) in chain.enumerated() {
      let previous = index > 0 ? chain[index - 1] : nil
      let next = index + 1 < chain.count ? chain[index + 1] : nil
      let steps = stepsOfChain[index]
      let page = StagePage(
        facts: facts, pageTitle: link.page.title, pageTitleHTML: link.page.titleHTML,
        stageTitle: link.stage.title, stageTitleHTML: link.stage.titleHTML,
        stageSlug: link.stage.slug, stageNumber: index + 1, stageCount: chain.count,
        stepCount: link.stage.steps.count, oneStep: link.stage.steps.count == 1,
        preambleHTML: Self.preamble(of: link),
        introHTML: link.stage.introHTML, outroHTML: link.stage.outroHTML,
        steps: steps,
        previous: previous.map {
          PagerLink(href: href($0, from: link.page.name), title: $0.stage.title)
        },
        next: next.map { PagerLink(href: href($0, from: link.page.name), title: $0.stage.title) },
        before: previous == nil ? upstreamLink(.previous) : nil,
        after: next == nil ? upstreamLink(.next) : nil,
        stageMenu: Self.marking(menu, current: "\(link.page.name)/\(link.stage.slug)"),
        hasSteps: !link.stage.steps.isEmpty, stepList: steps)
      pages.append(("\(link.page.name)/\(link.stage.slug).html", { render("stage", page) }))
    }

    for link in references {
      let page = StagePage(
        facts: facts, pageTitle: link.page.title, pageTitleHTML: link.page.titleHTML,
        stageTitle: link.stage.title, stageTitleHTML: link.stage.titleHTML,
        stageSlug: link.stage.slug, stageNumber: 0, stageCount: chain.count, stepCount: 0,
        oneStep: false, preambleHTML: nil, introHTML: link.stage.introHTML,
        outroHTML: link.stage.outroHTML, steps: [], isReference: true,
        stageMenu: menu)
      pages.append(("\(link.page.name)/\(link.stage.slug).html", { render("stage", page) }))
    }

    let valueRows = runbook.definition.valueIndices.map { index in
      let value = values[index.position]
      return ValueRow(
        key: value.spec.key,
        keyHTML: value.spec.key.htmlEscaped.replacingOccurrences(of: "_", with: "_<wbr>"),
        description: value.spec.description, kind: value.spec.kind.rawValue,
        valueHTML: value.spanHTML, uses: usage[index])
    }
    let overview = OverviewPage(
      facts: facts, stageCount: chain.count, stepCount: stepCount,
      start: chain.first.map {
        "\(LinkResolver.escape($0.page.name))/\(LinkResolver.escape($0.stage.slug)).html"
      } ?? "",
      values: valueRows,
      pages: Self.contents(of: rendered, from: ""),
      before: upstreamLink(.previous), after: upstreamLink(.next),
      choices: runbook.definition.choices.compactMap { choice in
        guard let id = deployment.choices[choice.key],
          let option = choice.options.first(where: { $0.id == id })
        else { return nil }
        return OverviewPage.Choice(description: choice.description, option: option.start)
      })
    let printPage = PrintPage(
      facts: facts, paper: paper.rawValue, stageCount: chain.count, stepCount: stepCount,
      values: valueRows,
      stages: chain.enumerated().map { index, link in
        // print.html stands above the pages' folders: their images are one folder down.
        let folder = link.page.name
        return PrintPage.Stage(
          stageNumber: index + 1, titleHTML: link.stage.titleHTML,
          pageTitleHTML: link.page.titleHTML,
          introHTML: Self.imagesFrom(folder, link.stage.introHTML),
          outroHTML: Self.imagesFrom(folder, link.stage.outroHTML),
          steps: stepsOfChain[index].map { step in
            var step = step
            step.html = Self.imagesFrom(folder, step.html)
            step.noteHTML = step.noteHTML.map { Self.imagesFrom(folder, $0) }
            step.leadHTML = step.leadHTML.map { Self.imagesFrom(folder, $0) }
            return step
          },
          preambleHTML: Self.preamble(of: link).map { Self.imagesFrom(folder, $0) })
      },
      references: references.map { link in
        PrintPage.Reference(
          titleHTML: link.stage.titleHTML, pageTitleHTML: link.page.titleHTML,
          html: Self.imagesFrom(link.page.name, link.stage.introHTML))
      })
    var first: [(path: String, render: @Sendable () -> String)] = [
      ("index.html", { render("overview", overview) }),
      ("print.html", { render("print", printPage) }),
    ]
    if templates.has("search") {
      let search = SearchPage(
        facts: facts, entries: searchEntries(chain: chain, values: valueRows))
      first.append(("search.html", { render("search", search) }))
    }
    let all = first + pages
    let texts = ParallelWork.map(count: all.count) { all[$0].render() }
    var files = zip(all, texts).map { SiteFile(path: $0.path, text: $1) }

    files += templates.assets.map { SiteFile(path: $0.path, data: $0.data) }
    for page in runbook.pages {
      for image in runbook.images[page.name] ?? [] {
        files.append(SiteFile(path: "\(page.name)/\(image.path)", data: image.data))
      }
    }
    // The last net, for what templates put on the pages: a runbook whose pages have failed
    // already is not written anyway, and their located errors say more.
    if !diagnostics.hasErrors {
      let gate = OutputGate(matcher: runbook.matcher, definition: runbook.definition)
      let folder = runbook.location.display(runbook.location.templatesFolder)
      let html = files.filter { $0.path.hasSuffix(".html") }
      diagnostics += ParallelWork.map(count: html.count) { index in
        memo.value(\.gate, GateKey(path: html[index].path, data: html[index].data)) {
          gate.check([html[index]], templates: folder)
        }
      }.flatMap { $0 }
    }
    return DeploymentSite(
      deployment: deployment, runbookTitle: runbook.definition.title, files: files,
      stageCount: chain.count, stepCount: stepCount,
      diagnostics: diagnostics)
  }
}

/// Paper sizes for the print page, as CSS `@page` names them.
public enum Paper: String, Sendable, CaseIterable {
  case a4 = "A4"
  case letter
}

private extension SiteRenderer {
  /// A template filled with `context`; kept by the memo, when there is one, for the next build.
  func render<Context: Hashable & Sendable>(_ name: String, _ context: Context) -> String {
    // The print page and search hold every stage: any edit changes them, so keeping them would
    // cost hashing them for nothing.
    guard name != "print" && name != "search" else { return templates.render(name, context) }
    return memo.value(
      \.templates,
      TemplateKey(templates: templates.fingerprint, name: name, context: context)
    ) { templates.render(name, context) }
  }

  /// `StepSummary.html` of `html` with `limit`, or all its words (`StepSummary.text`) without.
  func summary(of html: String, limit: Int? = nil) -> String {
    memo.value(\.summaries, SummaryKey(html: html, limit: limit)) {
      limit.map { StepSummary.html(of: html, limit: $0) } ?? StepSummary.text(of: html)
    }
  }

  /// What links read of every page: where they may go.
  static func linkInputs(_ outlines: [PageOutline]) -> [PageRenderKey.Links] {
    outlines.map { outline in
      PageRenderKey.Links(
        name: outline.name, folder: outline.folder, path: outline.path,
        stages: outline.stages.map(\.slug), anchors: outline.anchors)
    }
  }

  /// Everything rendering `page` reads, for the memo; the definition is the memo's own key.
  func pageRenderKey(
    _ page: PageSource, values: [PageValue], links: [PageRenderKey.Links],
    selection: [String: String]
  ) -> PageRenderKey {
    PageRenderKey(
      page: page, links: links, values: values.map(\.text), selection: selection,
      missingImages: runbook.missingImages[page.name] ?? [],
      imageURLs: runbook.upstreamImages[page.name] ?? [:],
      notesPath: runbook.notes[page.name]?.path, notes: runbook.notes[page.name]?.notes ?? [])
  }

  typealias ChainLink = (page: RenderedPage, stage: RenderedStage)

  /// A page's text before its first stage, shown with that stage only. Mustache treats an empty
  /// string as true: only a preamble that holds something is given.
  static func preamble(of link: ChainLink) -> String? {
    guard link.stage.slug == link.page.stages.first(where: { !$0.isReference })?.slug,
      !link.page.preambleHTML.isEmpty
    else {
      return nil
    }
    return link.page.preambleHTML
  }

  /// A stage's steps for a template; `keyed` gives each the key of its tick in the browser (the
  /// print page uses it to print who ticked the step and when).
  func steps(of link: ChainLink, keyed: Bool) -> [StepContext] {
    link.stage.steps.map { step in
      StepContext(
        number: step.number.description, value: step.number.number, html: step.html,
        key: keyed ? "\(link.page.name)/\(link.stage.slug)/\(step.number)" : nil,
        source: keyed
          ? runbook.stepSources["\(link.page.name)/\(link.stage.slug)/\(step.number)"] : nil,
        noteHTML: step.noteHTML, leadHTML: step.leadHTML,
        summaryHTML: summary(of: step.html, limit: StepSummary.limit))
    }
  }

  /// The runbook's stages by page, as the overview lists them and the stage list beside every
  /// stage page shows them: one source, so the two never disagree.
  ///
  /// - Parameters:
  ///   - prefix: what leads from the page showing the list to the site's top (`../`).
  ///   - current: `page/stage` of the stage page showing the list.
  static func contents(of pages: [RenderedPage], from prefix: String, current: String? = nil)
    -> [OverviewPage.Page]
  {
    var stageNumber = 0
    return pages.map { page in
      OverviewPage.Page(
        title: page.title, titleHTML: page.titleHTML,
        stages: page.stages.filter { !$0.isReference }.map { stage in
          stageNumber += 1
          let id = "\(page.name)/\(stage.slug)"
          return OverviewPage.Stage(
            number: stageNumber, titleHTML: stage.titleHTML, id: id,
            href: prefix
              + "\(LinkResolver.escape(page.name))/\(LinkResolver.escape(stage.slug)).html",
            steps: stage.steps.count, oneStep: stage.steps.count == 1, current: id == current)
        },
        references: page.stages.filter(\.isReference).map { stage in
          PagerLink(
            href: prefix
              + "\(LinkResolver.escape(page.name))/\(LinkResolver.escape(stage.slug)).html",
            title: stage.title)
        })
    }
  }

  /// The stage list with the stage `current` (`page/stage`) marked.
  static func marking(_ menu: [OverviewPage.Page], current: String) -> [OverviewPage.Page] {
    menu.map { page in
      var page = page
      page.stages = page.stages.map { stage in
        var stage = stage
        stage.current = stage.id == current
        return stage
      }
      return page
    }
  }

  /// What search looks through: every stage, every step with its note, every value.
  func searchEntries(chain: [ChainLink], values: [ValueRow]) -> [SearchPage.Entry] {
    var entries: [SearchPage.Entry] = []
    for (index, link) in chain.enumerated() {
      let page =
        "\(LinkResolver.escape(link.page.name))/\(LinkResolver.escape(link.stage.slug)).html"
      entries.append(
        SearchPage.Entry(
          href: page, kicker: "Stage \(index + 1)", titleHTML: link.stage.titleHTML,
          textHTML: summary(of: link.stage.introHTML)))
      for step in link.stage.steps {
        entries.append(
          SearchPage.Entry(
            href: page + "#step-\(step.number)", kicker: "Stage \(index + 1) · step \(step.number)",
            titleHTML: link.stage.titleHTML,
            textHTML: summary(of: step.html)
              + (step.noteHTML.map { " Verify: " + summary(of: $0) } ?? "")))
      }
    }
    for value in values {
      entries.append(
        SearchPage.Entry(
          href: "index.html#values", kicker: "Value", titleHTML: value.key.htmlEscaped,
          textHTML: value.description.htmlEscaped + ": " + value.valueHTML))
    }
    return entries
  }

  /// - Parameter chain: the stages the site shows: its list of steps to tick is theirs, so that
  ///   a deployment's choices decide what there is to tick.
  func siteFacts(_ deployment: Deployment, chain: [ChainLink]) -> SiteFacts {
    SiteFacts(
      runbookTitle: runbook.definition.title, version: runbook.definition.version,
      deploymentName: deployment.name, deploymentId: deployment.id,
      deploymentHash: deployment.fileHash, runbookId: runbook.definition.id,
      stageList: chain.map { link in
        "\(link.page.name)/\(link.stage.slug):"
          + link.stage.steps.map(\.number.description).joined(separator: ",")
      }.joined(separator: " "),
      sourceList: chain.flatMap { link in
        link.stage.steps.map { step in
          runbook.stepSources["\(link.page.name)/\(link.stage.slug)/\(step.number)"] ?? ""
        }
      }.joined(separator: " "),
      buildDate: buildDate)
  }

  func href(_ target: ChainLink, from page: String) -> String {
    runbook.links.href(page: target.page.name, stage: target.stage.slug, from: page, fragment: nil)
  }

  /// The upstream page before the runbook's first page, or after its last one.
  func upstreamLink(_ direction: NavigationLink.Direction) -> PagerLink? {
    let outline = direction == .previous ? runbook.outlines.first : runbook.outlines.last
    guard let outline, let link = outline.navigation.first(where: { $0.direction == direction }),
      case .rewritten(let url) = runbook.links.resolve(link.target, page: outline.name, stage: "")
    else { return nil }
    // Only pages outside the runbook: inside it, the chain already links them.
    guard Substitution.isAbsolute(url) else { return nil }
    return PagerLink(href: url, title: link.title)
  }
}

extension SiteRenderer {
  /// `html` with each image of the pages' own folder (`<img src="media/x.png"`) taken from
  /// `folder`, for a page that stands one folder up; images from elsewhere (`https:`, `/`) stay.
  static func imagesFrom(_ folder: String, _ html: String) -> String {
    let tag = Array("<img src=\"".utf8)
    var html = html
    return html.withUTF8 { bytes in
      guard var found = ByteSearch.first(tag, in: bytes, from: 0) else { return nil }
      let prefix = Array((LinkResolver.escape(folder) + "/").utf8)
      var result: [UInt8] = []
      result.reserveCapacity(bytes.count + 64)
      var start = 0
      while true {
        let source = found + tag.count
        result += bytes[start..<source]
        var end = source
        while end < bytes.count && bytes[end] != UInt8(ascii: "\"") { end += 1 }
        let url = String(decoding: bytes[source..<end], as: UTF8.self)
        if !Substitution.isAbsolute(url) && !url.hasPrefix("/") { result += prefix }
        start = source
        guard let next = ByteSearch.first(tag, in: bytes, from: start) else { break }
        found = next
      }
      result += bytes[start...]
      return String(decoding: result, as: UTF8.self)
    } ?? html
  }

}
