import Foundation
import Synchronization

/// The sink of `runbook serve`: sites kept in memory, by path from the served root, as Zola's
/// `BuildMode::Memory` keeps them.
public final class MemorySite: SiteSink {
  private let stored = Mutex<[String: Data]>([:])

  public init() {}

  public var place: String { "memory" }

  /// Every file written, by path from the served root: `fabrikam/index.html`, `index.html`.
  public var files: [String: Data] {
    stored.withLock { $0 }
  }

  /// Nothing to do: each site's files hold the shared bytes too, and memory has no links.
  public func writeShared(_ files: [SiteFile]) {}

  public func write(_ site: DeploymentSite) {
    stored.withLock { stored in
      for file in site.files { stored["\(site.deployment.id)/\(file.path)"] = file.data }
    }
  }

  /// Holds only what this build wrote: a served site is always a whole build.
  public func record(_ written: [SiteEntry], runbook: String, keeping ids: Set<String>?)
    -> [SiteEntry]
  {
    written
  }

  public func writeTopLevel(_ files: [SiteFile]) {
    stored.withLock { stored in
      for file in files { stored[file.path] = file.data }
    }
  }
}
