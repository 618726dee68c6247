import Foundation

/// A runbook read once and shared by every deployment: its definition, its pages parsed to
/// outlines, and the sample-name matcher.
public struct Runbook: Sendable {
  public var location: RunbookLocation
  public var definition: RunbookDefinition
  public var pages: [PageSource]
  public var outlines: [PageOutline]
  /// Each step's source hash by its key (`page/stage/N`): its identity in the run record.
  public var stepSources: [String: String]
  public var matcher: SampleMatcher
  public var links: LinkResolver
  /// The images that exist, read in the load step, by page name; then the relative paths of
  /// those that do not.
  public var images: [String: [SiteFile]]
  public var missingImages: [String: Set<String>]
  /// Images the source lacks, loaded from upstream instead: page name → relative path → URL.
  public var upstreamImages: [String: [String: String]]
  /// Validation notes by page name.
  public var notes: [String: ValidationNotes]
  /// Problems that do not stop a build (missing images): errors under `--strict`.
  public var warnings: [Diagnostic]
}
