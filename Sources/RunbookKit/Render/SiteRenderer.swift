import Foundation

/// A file of a deployment's site, relative to the site's folder.
public struct SiteFile: Sendable {
  public var path: String
  public var data: Data
  /// The same bytes in every deployment's site (assets, images): written once and linked.
  public var shared: Bool

  public init(path: String, data: Data, shared: Bool = false) {
    self.path = path
    self.data = data
    self.shared = shared
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
}

/// Renders one deployment's site from the runbook and the templates.
public struct SiteRenderer: Sendable {
  public let runbook: Runbook
  public let templates: Templates
  /// Shown on the pages; from `SOURCE_DATE_EPOCH` when set, so rebuilds are byte-identical.
  public let buildDate: String
  /// The print page's paper.
  public let paper: Paper

  public init(runbook: Runbook, templates: Templates, buildDate: String, paper: Paper = .a4) {
    self.runbook = runbook
    self.templates = templates
    self.buildDate = buildDate
    self.paper = paper
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
  public func compile() -> CompiledSite {
    let placeholders = Deployment(
      id: Hole.id.text, name: Hole.name.text,
      values: Dictionary(
        uniqueKeysWithValues: runbook.definition.values.enumerated().map {
          ($1.key, Hole.value($0).text)
        }),
      path: "", fileHash: Hole.hash.text)
    let site = renderDirect(placeholders)
    return CompiledSite(
      runbookTitle: runbook.definition.title, definition: runbook.definition,
      passwords: .passwords(of: runbook.definition.values),
      files: site.files.map { file in
        file.path.hasSuffix(".html")
          ? CompiledFile(path: file.path, compiling: file.data)
          : CompiledFile(path: file.path, data: file.data)
      },
      stageCount: site.stageCount, stepCount: site.stepCount, diagnostics: site.diagnostics)
  }

  /// The site rendered straight from the tree with the real values: what `compile` + `fill` must equal.
  func renderDirect(_ deployment: Deployment) -> DeploymentSite {
    let bindings = runbook.definition.values.map {
      ValueBinding(spec: $0, value: deployment.values[$0.key] ?? "")
    }
    let pages = runbook.pages.map { page in
      PageRenderer(page: page, matcher: runbook.matcher).render(
        bindings: bindings, links: runbook.links,
        missingImages: runbook.missingImages[page.name] ?? [],
        imageURLs: runbook.upstreamImages[page.name] ?? [:], notes: runbook.notes[page.name])
    }
    var diagnostics = pages.flatMap(\.diagnostics)
    var usage = Array(repeating: 0, count: bindings.count)
    for page in pages {
      for index in usage.indices { usage[index] += page.usage[index] }
    }

    // Every stage of every page, in runbook order: the chain of prev/next links.
    let chain = pages.flatMap { page in page.stages.map { (page: page, stage: $0) } }
    let stepCount = chain.reduce(0) { $0 + $1.stage.steps.count }
    let common = commonContext(deployment)
    var files: [SiteFile] = []
    for (index, link) in chain.enumerated() {
      var context = common
      context["root"] = "../"
      context["pageTitle"] = link.page.title
      context["pageTitleHTML"] = link.page.titleHTML
      context["stageTitle"] = link.stage.title
      context["stageTitleHTML"] = link.stage.titleHTML
      context["stageSlug"] = link.stage.slug
      context["stageNumber"] = index + 1
      context["stageCount"] = chain.count
      context["stepCount"] = link.stage.steps.count
      context["oneStep"] = link.stage.steps.count == 1
      context["home"] = "../../index.html"
      // Mustache treats an empty string as true: only fragments that hold something are set.
      if link.stage.slug == link.page.stages.first?.slug, !link.page.preambleHTML.isEmpty {
        context["preambleHTML"] = link.page.preambleHTML
      }
      context["introHTML"] = link.stage.introHTML
      context["outroHTML"] = link.stage.outroHTML
      context["steps"] = link.stage.steps.map { step -> [String: Any] in
        var values: [String: Any] = [
          "number": step.number, "html": step.html,
          "key": "\(link.page.name)/\(link.stage.slug)/\(step.number)",
        ]
        if let note = step.noteHTML { values["noteHTML"] = note }
        if let lead = step.leadHTML { values["leadHTML"] = lead }
        return values
      }
      if index > 0 {
        let previous = chain[index - 1]
        context["previous"] = [
          "href": href(previous, from: link.page.name), "title": previous.stage.title,
        ]
      } else if let before = upstreamLink(.previous) {
        context["before"] = before
      }
      if index + 1 < chain.count {
        let next = chain[index + 1]
        context["next"] = ["href": href(next, from: link.page.name), "title": next.stage.title]
      } else if let after = upstreamLink(.next) {
        context["after"] = after
      }
      files.append(
        SiteFile(
          path: "\(link.page.name)/\(link.stage.slug).html",
          text: templates.render("stage", context)))
    }

    var overview = common
    overview["root"] = ""
    overview["home"] = "../index.html"
    overview["stageCount"] = chain.count
    overview["stepCount"] = stepCount
    overview["start"] =
      chain.first.map {
        "\(LinkResolver.escape($0.page.name))/\(LinkResolver.escape($0.stage.slug)).html"
      } ?? ""
    overview["values"] = bindings.indices.map { index -> [String: Any] in
      let binding = bindings[index]
      return [
        "key": binding.spec.key, "description": binding.spec.description,
        "kind": binding.spec.kind.rawValue,
        "valueHTML": Replacement(
          key: binding.spec.key, value: binding.value, isSecret: binding.spec.kind == .secret
        ).openTag
          + binding.value.htmlEscaped + "</span>",
        "uses": usage[index],
      ]
    }
    var stageNumber = 0
    overview["pages"] = pages.map { page -> [String: Any] in
      [
        "title": page.title, "titleHTML": page.titleHTML,
        "stages": page.stages.map { stage -> [String: Any] in
          stageNumber += 1
          return [
            "number": stageNumber, "titleHTML": stage.titleHTML, "id": "\(page.name)/\(stage.slug)",
            "href": "\(LinkResolver.escape(page.name))/\(LinkResolver.escape(stage.slug)).html",
            "steps": stage.steps.count, "oneStep": stage.steps.count == 1,
          ]
        },
      ]
    }
    if let before = upstreamLink(.previous) { overview["before"] = before }
    if let after = upstreamLink(.next) { overview["after"] = after }
    files.insert(SiteFile(path: "index.html", text: templates.render("overview", overview)), at: 0)
    files.insert(
      SiteFile(
        path: "print.html", text: printPage(common: common, chain: chain, overview: overview)),
      at: 1)

    files += templates.assets.map { SiteFile(path: $0.path, data: $0.data) }
    for page in runbook.pages {
      for image in runbook.images[page.name] ?? [] {
        files.append(SiteFile(path: "\(page.name)/\(image.path)", data: image.data))
      }
    }
    // The last net, for what templates and descriptions put on the pages: a deployment that has
    // failed already is not written anyway, and its located errors say more.
    if !diagnostics.hasErrors {
      diagnostics += OutputGate(matcher: runbook.matcher, definition: runbook.definition).check(
        files, site: "<deployment>")
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
  /// The whole runbook on one page for the change record: cover, contents, a stage a page,
  /// every step with its note, a tick box and done-by lines, the values sheet and a sign-off.
  func printPage(
    common: [String: Any], chain: [(page: RenderedPage, stage: RenderedStage)],
    overview: [String: Any]
  ) -> String {
    var context = common
    context["root"] = ""
    context["paper"] = paper.rawValue
    context["stageCount"] = chain.count
    context["stepCount"] = overview["stepCount"]
    context["values"] = overview["values"]
    context["stages"] = chain.enumerated().map { index, link -> [String: Any] in
      var stage: [String: Any] = [
        "stageNumber": index + 1, "titleHTML": link.stage.titleHTML,
        "pageTitleHTML": link.page.titleHTML,
        "introHTML": link.stage.introHTML, "outroHTML": link.stage.outroHTML,
        "steps": link.stage.steps.map { step -> [String: Any] in
          var values: [String: Any] = ["number": step.number, "html": step.html]
          if let note = step.noteHTML { values["noteHTML"] = note }
          if let lead = step.leadHTML { values["leadHTML"] = lead }
          return values
        },
      ]
      if link.stage.slug == link.page.stages.first?.slug, !link.page.preambleHTML.isEmpty {
        stage["preambleHTML"] = link.page.preambleHTML
      }
      return stage
    }
    return templates.render("print", context)
  }

  func commonContext(_ deployment: Deployment) -> [String: Any] {
    [
      "runbookTitle": runbook.definition.title,
      "version": runbook.definition.version,
      "deploymentName": deployment.name,
      "deploymentId": deployment.id,
      "deploymentHash": deployment.fileHash,
      // Where the browser keeps this deployment's ticks, and which steps there are to tick.
      "runbookId": Slug.make(runbook.definition.title),
      "stageList": runbook.outlines.flatMap { outline in
        outline.stages.map {
          "\(outline.name)/\($0.slug):\($0.steps.map { String($0.number) }.joined(separator: ","))"
        }
      }.joined(separator: " "),
      "buildDate": buildDate,
    ]
  }

  func href(_ target: (page: RenderedPage, stage: RenderedStage), from page: String) -> String {
    runbook.links.href(page: target.page.name, stage: target.stage.slug, from: page, fragment: nil)
  }

  /// The upstream page before the runbook's first page, or after its last one.
  func upstreamLink(_ direction: NavigationLink.Direction) -> [String: Any]? {
    let outline = direction == .previous ? runbook.outlines.first : runbook.outlines.last
    guard let outline, let link = outline.navigation.first(where: { $0.direction == direction }),
      case .rewritten(let url) = runbook.links.resolve(link.target, page: outline.name, stage: "")
    else { return nil }
    // Only pages outside the runbook: inside it, the chain already links them.
    guard Substitution.isAbsolute(url) else { return nil }
    return ["href": url, "title": link.title]
  }
}
