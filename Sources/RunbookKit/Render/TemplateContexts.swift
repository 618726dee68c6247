import Mustache

// What each template is given. The property names are the keys templates use (README, "Templates"),
// kept as they were when the contexts were dictionaries: users' edited templates keep working. A
// nil optional is a key that is not there: mustache then looks it up in the enclosing context.

/// What every page of one deployment's site knows, whatever the template.
struct SiteFacts: Sendable {
  var runbookTitle: String
  var version: String
  var deploymentName: String
  var deploymentId: String
  var deploymentHash: String
  /// Where the browser keeps this deployment's ticks.
  var runbookId: String
  /// Which steps there are to tick: `page/stage:1,2,3 page/stage2:1`.
  var stageList: String
  var buildDate: String
}

/// A context whose keys are its own properties, then those of the site's facts.
protocol PageContext: MustacheParent {
  var facts: SiteFacts { get }
}

extension PageContext {
  func child(named name: String) -> Any? {
    Self.property(name, of: self) ?? Self.property(name, of: facts)
  }

  /// A stored property by name, with an optional unwrapped: nil when it is not there or is nil.
  private static func property(_ name: String, of object: Any) -> Any? {
    guard let value = Mirror(reflecting: object).children.first(where: { $0.label == name })?.value
    else { return nil }
    let mirror = Mirror(reflecting: value)
    guard mirror.displayStyle == .optional else { return value }
    return mirror.children.first?.value
  }
}

/// A link of the pager: a stage of the runbook, or a page of the docs before or after it.
struct PagerLink: Sendable {
  var href: String
  var title: String
}

/// A step, on a stage page and on the print page.
struct StepContext: Sendable {
  var number: Int
  var html: String
  /// Where the browser keeps its tick (stage pages only).
  var key: String?
  var noteHTML: String?
  /// What stands before the step between two lists (a sub-heading), when anything does.
  var leadHTML: String?
}

/// `stage.mustache`: one stage of the runbook.
struct StagePage: PageContext, Sendable {
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
}

/// A row of the values sheet.
struct ValueRow: Sendable {
  var key: String
  var description: String
  var kind: String
  var valueHTML: String
  var uses: Int
}

/// `overview.mustache`: a deployment's front page.
struct OverviewPage: PageContext, Sendable {
  struct Stage: Sendable {
    var number: Int
    var titleHTML: String
    /// `page/stage`: where the browser counts its ticks.
    var id: String
    var href: String
    var steps: Int
    var oneStep: Bool
  }

  struct Page: Sendable {
    var title: String
    var titleHTML: String
    var stages: [Stage]
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
}

/// `print.mustache`: the whole runbook on one page, for the change record.
struct PrintPage: PageContext, Sendable {
  struct Stage: Sendable {
    var stageNumber: Int
    var titleHTML: String
    var pageTitleHTML: String
    var introHTML: String
    var outroHTML: String
    var steps: [StepContext]
    var preambleHTML: String?
  }

  let facts: SiteFacts
  let root = ""
  var paper: String
  var stageCount: Int
  var stepCount: Int
  var values: [ValueRow]
  let showKind = false
  var stages: [Stage]
}

/// `index.mustache`: the list of every site in the output.
struct IndexPage: Sendable {
  struct Deployment: Sendable {
    var id: String
    var href: String
    var name: String
    var stages: Int
    var steps: Int
    var runbook: String
  }

  let root = ""
  var buildDate: String
  var hasDeployments: Bool
  var deployments: [Deployment]
}
