/// A page's shape, the same for every deployment: what links, validation notes and navigation
/// are checked against. Read once per runbook.
public struct PageOutline: Sendable {
  public var name: String
  public var path: String
  /// The page's folder within the docs (`pam/`, or empty), where its relative links start.
  public var folder: String
  /// The H1, as the page writes it (sample names and all).
  public var title: String
  public var stages: [StageOutline]
  /// Every anchor a link may name (heading slugs of every level, `<a name>`), to its stage's slug.
  public var anchors: [String: String]
  public var navigation: [NavigationLink]
  /// Relative image paths, each with where it is written (the page, or a file it includes).
  public var images: [(path: String, location: SourceLocation)]
  /// What the page does that still works but deserves a look (en dashes in commands).
  public var warnings: [Diagnostic] = []
}

public struct StageOutline: Sendable, Hashable {
  /// The H2 heading's slug, as DocFX makes it: the stage's file name and its key in checks.
  public var slug: String
  public var title: String
  /// 1-based line of the heading in the page file.
  public var line: Int
  /// A reference section ("See also"): a page of its own, outside the procedure.
  public var isReference = false
  public var steps: [StepOutline]
}

public struct StepOutline: Sendable, Hashable {
  /// The number as the page shows it: `16`, or `2.3` in a sub-procedure.
  public var number: StepNumber
  public var line: Int
  /// The step's identity in the run record beside its key: `StepSource.hash` of its blocks.
  public var source: String = ""
}

/// A page rendered for one deployment.
public struct RenderedPage: Sendable {
  public var name: String
  public var path: String
  /// The H1 with values substituted, as text and as HTML.
  public var title: String
  public var titleHTML: String
  /// What stands between the H1 and the first stage (the values table, notes).
  public var preambleHTML: String
  public var stages: [RenderedStage]
  /// How often each value was used on this page, by the runbook's value order.
  public var usage: ValueCounts
  public var diagnostics: [Diagnostic]
}

public struct RenderedStage: Sendable {
  public var slug: String
  public var title: String
  public var titleHTML: String
  public var line: Int
  public var introHTML: String
  public var steps: [RenderedStep]
  public var outroHTML: String
  /// A reference section: its text is `introHTML`, and it has no steps.
  public var isReference = false
}

public struct RenderedStep: Sendable {
  public var number: StepNumber
  public var line: Int
  public var html: String
  /// The step's validation note, rendered for the deployment; nil when it has none.
  public var noteHTML: String?
  /// What stands before this step between two lists (a sub-heading); nil when nothing does.
  public var leadHTML: String?
}
