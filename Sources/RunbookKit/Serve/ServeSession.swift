import Foundation
import Synchronization

/// The state of `runbook serve`: the sites built in memory, rebuilt when a watched file changes.
///
/// A rebuild that fails keeps serving the last good pages (of the deployments that failed, or of
/// all when the runbook itself is broken) and shows its errors over them.
public final class ServeSession: Sendable {
  public enum Event: Sendable, Equatable {
    /// A rebuild succeeded: open pages reload.
    case reloaded
    /// A rebuild failed: open pages show these diagnostics.
    case failed(String)
  }

  public let options: BuildOptions
  /// What serving and rebuilding share, behind one lock: the server of the last build, the
  /// watcher, and who is told of rebuilds.
  private struct State {
    var current: SiteServer
    var watcher: FileWatcher?
    var onRebuild: (@Sendable (Event, BuildReport) -> Void)?
  }

  private let state: Mutex<State>

  /// Told after each rebuild, on the watcher's queue.
  public var onRebuild: (@Sendable (Event, BuildReport) -> Void)? {
    get { state.withLock { $0.onRebuild } }
    set { state.withLock { $0.onRebuild = newValue } }
  }

  /// Builds every deployment in memory; the first build may fail and is then shown as errors.
  public init(location: RunbookLocation) {
    var options = BuildOptions(location: location, buildDate: BuildOptions.dateFromEnvironment())
    // An edit re-renders only what depends on it: the rest comes from the last build.
    options.memo = RenderMemo()
    self.options = options
    let memory = MemorySite()
    let report = SiteBuilder(options: options).build(into: memory)
    state = Mutex(
      State(current: SiteServer(files: memory.files, errors: report.diagnostics.errors)))
    firstReport = report
  }

  /// The report of the build made when the session started.
  public let firstReport: BuildReport

  public var server: SiteServer {
    state.withLock { $0.current }
  }

  /// Rebuilds now; returns what open pages should do.
  @discardableResult
  public func rebuild() -> (event: Event, report: BuildReport) {
    let memory = MemorySite()
    let report = SiteBuilder(options: options).build(into: memory)
    var files = memory.files
    let errors = report.diagnostics.errors
    return state.withLock { state in
      if files.isEmpty && !errors.isEmpty {
        // The runbook itself failed: everything stays as it was.
        state.current = SiteServer(
          files: state.current.builtFiles(ofSites: nil), errors: errors, reusing: state.current)
        return (.failed(Self.text(errors)), report)
      }
      files.merge(state.current.builtFiles(ofSites: Set(report.failed))) { new, _ in new }
      state.current = SiteServer(files: files, errors: errors, reusing: state.current)
      return (errors.isEmpty ? .reloaded : .failed(Self.text(errors)), report)
    }
  }

  /// Watches Content/, Templates/, the definition, the deployments and the source folder.
  public func watch() {
    let location = options.location
    var paths = [
      location.url("Content"), location.templatesFolder, location.url(location.definition),
    ]
    if let definition = try? location.loadDefinition() {
      paths += [
        location.url(definition.deployments), location.url(location.source ?? definition.source),
        location.url(definition.checks),
      ]
    }
    let watcher = FileWatcher(paths: paths) { [weak self] in
      guard let self else { return }
      let result = self.rebuild()
      self.onRebuild?(result.event, result.report)
    }
    state.withLock { $0.watcher = watcher }
    watcher.start()
  }

  public func stopWatching() {
    state.withLock { $0.watcher }?.stop()
  }

  static func text(_ diagnostics: [Diagnostic]) -> String {
    diagnostics.map(\.description).joined(separator: "\n")
  }
}
