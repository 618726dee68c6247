// What each template is given. The property names are the keys templates use (README, "Templates"),
// kept as they were when the contexts were dictionaries: users' edited templates keep working. A
// nil optional is a key that is not there: mustache then looks it up in the enclosing context.

/// What every page of one deployment's site knows, whatever the template.
struct SiteFacts: Sendable, Hashable {
  var runbookTitle: String
  var version: String
  var deploymentName: String
  var deploymentId: String
  var deploymentHash: String
  /// Where the browser keeps this deployment's ticks.
  var runbookId: String
  /// Which steps there are to tick: `page/stage:1,2,3 page/stage2:1`.
  var stageList: String
  /// Their source hashes, in the same order, space-separated: a tick of a step whose text
  /// changed since does not count (README, "The run record").
  var sourceList: String
  var buildDate: String
}

extension SiteFacts: FastTemplateData {
  var plain: [String: Any] {
    [
      "runbookTitle": runbookTitle, "version": version, "deploymentName": deploymentName,
      "deploymentId": deploymentId, "deploymentHash": deploymentHash, "runbookId": runbookId,
      "stageList": stageList, "sourceList": sourceList, "buildDate": buildDate,
    ]
  }
}

/// A context whose keys are its own properties, then those of the site's facts.
protocol PageContext {
  var facts: SiteFacts { get }
}

/// A typed context as mustache reads it fastest: dictionaries, arrays and plain values, made once
/// per render (a lookup by reflection on every tag made a thousand-site index 190 ms slower).
enum TemplateData {
  /// `value` with every struct a `[String: Any]` of its stored properties (a page context's
  /// facts first, then its own), every array converted, and nil optionals left out.
  static func plain(_ value: Any) -> Any {
    switch value {
    case is String, is Int, is Bool, is Double: return value
    case let fast as FastTemplateData: return fast.plain
    case let array as [Any]: return array.map(plain)
    default: return reflected(value)
    }
  }

  /// `plain` by reflection alone for `value` itself (what a `FastTemplateData` must equal).
  static func reflected(_ value: Any) -> Any {
    let mirror = Mirror(reflecting: value)
    guard mirror.displayStyle == .struct else { return value }
    var dictionary: [String: Any] = [:]
    if let page = value as? PageContext, let facts = plain(page.facts) as? [String: Any] {
      dictionary = facts
    }
    for child in mirror.children {
      guard let label = child.label, label != "facts" else { continue }
      let property = Mirror(reflecting: child.value)
      if property.displayStyle == .optional {
        guard let wrapped = property.children.first?.value else { continue }
        dictionary[label] = plain(wrapped)
      } else {
        dictionary[label] = plain(child.value)
      }
    }
    return dictionary
  }
}

/// A context a site has thousands of (an index entry per site, a step per step), which spells
/// out its dictionary instead of having it read by reflection.
protocol FastTemplateData {
  var plain: [String: Any] { get }
}

extension Dictionary where Key == String, Value == Any {
  /// Sets `key` when `value` is there: a nil optional is a key a template does not find.
  fileprivate mutating func set(_ key: String, _ value: Any?) {
    if let value { self[key] = value }
  }
}

/// A link of the pager: a stage of the runbook, or a page of the docs before or after it.
struct PagerLink: Sendable, Hashable, FastTemplateData {
  var href: String
  var title: String

  var plain: [String: Any] { ["href": href, "title": title] }
}

/// A step, on a stage page and on the print page.
struct StepContext: Sendable, Hashable, FastTemplateData {
  /// `16`, or `2.3` for step 3 of the stage's second sub-procedure: the step's id is `step-2.3`.
  var number: String
  /// The number within its procedure, for an ordered list's `value`.
  var value: Int
  var html: String
  /// Where the browser keeps its tick (stage pages only).
  var key: String?
  /// The step's source hash, beside `key`.
  var source: String?
  var noteHTML: String?
  /// What stands before the step between two lists (a sub-heading), when anything does.
  var leadHTML: String?
  /// The step's first words, value spans kept: its entry in the list of steps, and the name of
  /// its tick box ("Verify step 3: …").
  var summaryHTML: String

  /// A print page holds every step: read by reflection, they were most of its rendering.
  var plain: [String: Any] {
    var plain: [String: Any] = [
      "number": number, "value": value, "html": html, "summaryHTML": summaryHTML,
    ]
    plain.set("key", key)
    plain.set("source", source)
    plain.set("noteHTML", noteHTML)
    plain.set("leadHTML", leadHTML)
    return plain
  }
}

/// `stage.mustache`: one stage of the runbook.
struct StagePage: PageContext, Sendable, Hashable {
  let facts: SiteFacts
  let root = "../"
  let home = "../../index.html"
  var pageTitle: String
  var pageTitleHTML: String
  var stageTitle: String
  var stageTitleHTML: String
  var stageSlug: String
  var stageNumber: Int
  var stageCount: Int
  var stepCount: Int
  var oneStep: Bool
  /// The page's text before its first stage, on its first stage only.
  var preambleHTML: String?
  var introHTML: String
  var outroHTML: String
  var steps: [StepContext]
  var previous: PagerLink?
  var next: PagerLink?
  /// The docs' page before the runbook, on its first stage.
  var before: PagerLink?
  /// The docs' page after the runbook, on its last stage.
  var after: PagerLink?
  /// A reference section ("See also"): no steps, no place in the chain of stages.
  var isReference = false
  /// The stages of the runbook, as the overview lists them, this one `current`: the stage list
  /// beside the page.
  var stageMenu: [OverviewPage.Page] = []
  /// Whether the stage has steps to list.
  var hasSteps = false
  /// The steps again, under another key than the stage list's step counts (`steps` there).
  var stepList: [StepContext] = []
}

/// A row of the values sheet.
struct ValueRow: Sendable, Hashable, FastTemplateData {
  var key: String
  /// The key with a break opportunity after each `_`: a narrow column breaks it between its
  /// words (`password_registration_<wbr>host`), never inside one.
  var keyHTML: String
  var description: String
  var kind: String
  var valueHTML: String
  var uses: Int

  var plain: [String: Any] {
    [
      "key": key, "keyHTML": keyHTML, "description": description, "kind": kind,
      "valueHTML": valueHTML, "uses": uses,
    ]
  }
}

/// `overview.mustache`: a deployment's front page.
struct OverviewPage: PageContext, Sendable, Hashable {
  struct Stage: Sendable, Hashable, FastTemplateData {
    var number: Int
    var titleHTML: String
    /// `page/stage`: where the browser counts its ticks.
    var id: String
    var href: String
    var steps: Int
    var oneStep: Bool
    /// The stage of the page showing the list (stage pages only).
    var current = false

    /// Every stage page lists every stage.
    var plain: [String: Any] {
      [
        "number": number, "titleHTML": titleHTML, "id": id, "href": href, "steps": steps,
        "oneStep": oneStep, "current": current,
      ]
    }
  }

  struct Page: Sendable, Hashable, FastTemplateData {
    var title: String
    var titleHTML: String
    var stages: [Stage]
    /// The page's reference sections, after its stages.
    var references: [PagerLink] { didSet { hasReferences = !references.isEmpty } }
    /// Stored, not computed: templates read stored properties only.
    private(set) var hasReferences = false

    init(title: String, titleHTML: String, stages: [Stage], references: [PagerLink]) {
      (self.title, self.titleHTML, self.stages) = (title, titleHTML, stages)
      self.references = references
      hasReferences = !references.isEmpty
    }

    var plain: [String: Any] {
      [
        "title": title, "titleHTML": titleHTML, "stages": stages.map(\.plain),
        "references": references.map(\.plain), "hasReferences": hasReferences,
      ]
    }
  }

  /// A choice the deployment made: what it is about, and the option taken.
  struct Choice: Sendable, Hashable {
    var description: String
    var option: String
  }

  let facts: SiteFacts
  let root = ""
  let home = "../index.html"
  var stageCount: Int
  var stepCount: Int
  /// The first stage page.
  var start: String
  var values: [ValueRow]
  /// The values sheet shows each value's kind here (the print page's has no room for it).
  let showKind = true
  var pages: [Page]
  var before: PagerLink?
  var after: PagerLink?
  var choices: [Choice] { didSet { hasChoices = !choices.isEmpty } }
  /// Stored, not computed: templates read stored properties only.
  private(set) var hasChoices = false

  init(
    facts: SiteFacts, stageCount: Int, stepCount: Int, start: String, values: [ValueRow],
    pages: [Page], before: PagerLink?, after: PagerLink?, choices: [Choice]
  ) {
    self.facts = facts
    self.stageCount = stageCount
    self.stepCount = stepCount
    self.start = start
    self.values = values
    self.pages = pages
    self.before = before
    self.after = after
    self.choices = choices
    hasChoices = !choices.isEmpty
  }
}

/// `print.mustache`: the whole runbook on one page, for the change record.
struct PrintPage: PageContext, Sendable, Hashable {
  struct Stage: Sendable, Hashable, FastTemplateData {
    var stageNumber: Int
    var titleHTML: String
    var pageTitleHTML: String
    var introHTML: String
    var outroHTML: String
    var steps: [StepContext]
    var preambleHTML: String?

    var plain: [String: Any] {
      var plain: [String: Any] = [
        "stageNumber": stageNumber, "titleHTML": titleHTML, "pageTitleHTML": pageTitleHTML,
        "introHTML": introHTML, "outroHTML": outroHTML, "steps": steps.map(\.plain),
      ]
      plain.set("preambleHTML", preambleHTML)
      return plain
    }
  }

  struct Reference: Sendable, Hashable, FastTemplateData {
    var titleHTML: String
    var pageTitleHTML: String
    var html: String

    var plain: [String: Any] {
      ["titleHTML": titleHTML, "pageTitleHTML": pageTitleHTML, "html": html]
    }
  }

  let facts: SiteFacts
  let root = ""
  var paper: String
  var stageCount: Int
  var stepCount: Int
  var values: [ValueRow]
  let showKind = false
  var stages: [Stage]
  /// Every reference section of the runbook, after its stages.
  var references: [Reference] { didSet { hasReferences = !references.isEmpty } }
  /// Stored, not computed: templates read stored properties only.
  private(set) var hasReferences = false

  init(
    facts: SiteFacts, paper: String, stageCount: Int, stepCount: Int, values: [ValueRow],
    stages: [Stage], references: [Reference]
  ) {
    self.facts = facts
    self.paper = paper
    self.stageCount = stageCount
    self.stepCount = stepCount
    self.values = values
    self.stages = stages
    self.references = references
    hasReferences = !references.isEmpty
  }
}

/// `index.mustache`: the list of every site in the output.
struct IndexPage: Sendable, Hashable {
  struct Deployment: Sendable, Hashable, FastTemplateData {
    var id: String
    var href: String
    var name: String
    var stages: Int
    var steps: Int
    var runbook: String

    var plain: [String: Any] {
      [
        "id": id, "href": href, "name": name, "stages": stages, "steps": steps,
        "runbook": runbook,
      ]
    }
  }

  let root = ""
  var buildDate: String
  var hasDeployments: Bool
  var deployments: [Deployment]
}

/// `404.mustache`: the page a static host shows for a path the output does not have. It stands
/// at the top of the output but is shown at any depth, so its links start at the host's root.
struct NotFoundPage: Sendable, Hashable {
  let root = "/"
  var buildDate: String
}

/// `search.mustache`: every stage, step and value of a deployment's site, which the script
/// filters as the reader types; without it, the whole list to search with the browser's find.
/// The index is the page itself, so search works from `file://` with nothing to fetch.
struct SearchPage: PageContext, Sendable, Hashable {
  struct Entry: Sendable, Hashable, FastTemplateData {
    var href: String
    /// Where the entry is: `Stage 2 · step 3`, `Value`.
    var kicker: String
    var titleHTML: String
    /// Its words, value spans kept.
    var textHTML: String

    var plain: [String: Any] {
      ["href": href, "kicker": kicker, "titleHTML": titleHTML, "textHTML": textHTML]
    }
  }

  let facts: SiteFacts
  let root = ""
  let home = "../index.html"
  var entries: [Entry]
}
