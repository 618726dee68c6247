import Foundation

/// Where a build puts the sites it makes: the output folder for `build` (`OutputWriter`), memory
/// for `serve` (`MemorySite`); `check` gives none. Only a sink writes; the build's steps read.
public protocol SiteSink: Sendable {
  /// Where the sink writes, as an absolute path, for diagnostics to name.
  var place: String { get }
  /// Files every deployment's site holds the same (assets, images), before any site.
  func writeShared(_ files: [SiteFile]) throws
  /// One deployment's site, whole, in place of that deployment's last one. Called from several
  /// threads at once.
  func write(_ site: DeploymentSite) throws
  /// Records the sites this build wrote; with `keeping`, the runbook's sites whose deployment is
  /// not among those ids go. Returns every site the sink holds now, by id: what the index lists.
  func record(_ written: [SiteEntry], runbook: String, keeping ids: Set<String>?) throws
    -> [SiteEntry]
  /// The files at the top, beside the sites: the index page and the assets it uses.
  func writeTopLevel(_ files: [SiteFile]) throws
  /// Takes the sink for this build alone, waiting for another build that holds it, and puts
  /// right what an interrupted build left; the sink is the build's until the returned object
  /// goes. nil when the sink needs no lock.
  func lock() throws -> AnyObject?
  /// Whether the sink holds the site `id` built with `key` already, whole: then it need not be
  /// filled or written again.
  func holds(_ id: String, key: String) -> Bool
  /// The site `id` as the sink holds it, whole, when it was built from what `preKey` stands
  /// for (`DeploymentSite.preKey`); nil otherwise.
  func held(_ id: String, preKey: String) -> HeldSite?
  /// Notes that the site `id`, which the sink holds under its key, is also what `preKey` stands
  /// for (the inputs changed in a way that changed no file): the next build skips it sooner.
  func keep(_ id: String, preKey: String, as held: HeldSite) throws
  /// Whether the index the sink holds was made from what `key` stands for.
  func holdsIndex(_ key: String) -> Bool
  /// Notes what the index just written was made from.
  func recordIndex(_ key: String) throws
}

extension SiteSink {
  public func lock() throws -> AnyObject? { nil }
  public func holds(_ id: String, key: String) -> Bool { false }
  public func held(_ id: String, preKey: String) -> HeldSite? { nil }
  public func keep(_ id: String, preKey: String, as held: HeldSite) throws {}
  public func holdsIndex(_ key: String) -> Bool { false }
  public func recordIndex(_ key: String) throws {}
}

/// A site a sink holds already: its index entry and the warnings its build reported.
public struct HeldSite: Sendable, Equatable, Codable {
  public var entry: SiteEntry
  public var warnings: [Diagnostic]

  public init(entry: SiteEntry, warnings: [Diagnostic]) {
    self.entry = entry
    self.warnings = warnings
  }
}

/// A site as the index lists it.
public struct SiteEntry: Sendable, Equatable, Codable {
  public var id: String
  public var name: String
  public var stages: Int
  public var steps: Int
  public var runbook: String

  public init(id: String, name: String, stages: Int, steps: Int, runbook: String) {
    (self.id, self.name, self.stages, self.steps, self.runbook) = (
      id, name, stages, steps, runbook
    )
  }

  public init(_ site: DeploymentSite) {
    self.init(
      id: site.deployment.id, name: site.deployment.name, stages: site.stageCount,
      steps: site.stepCount, runbook: site.runbookTitle)
  }
}
