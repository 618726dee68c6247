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
}

extension SiteSink {
  public func lock() throws -> AnyObject? { nil }
  public func holds(_ id: String, key: String) -> Bool { false }
}

/// A site as the index lists it.
public struct SiteEntry: Sendable, Equatable {
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
