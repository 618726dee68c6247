import Foundation

/// The state of `runbook serve`: the sites built in memory, rebuilt when a watched file changes.
///
/// A rebuild that fails keeps serving the last good pages (of the deployments that failed, or of
/// all when the runbook itself is broken) and shows its errors over them.
public final class ServeSession: @unchecked Sendable {
  public enum Event: Sendable, Equatable {
    /// A rebuild succeeded: open pages reload.
    case reloaded
    /// A rebuild failed: open pages show these diagnostics.
    case failed(String)
  }

  public let options: BuildOptions
  private let lock = NSLock()
  private var current: SiteServer
  private var watcher: FileWatcher?
  /// Told after each rebuild, on the watcher's queue.
  public var onRebuild: (@Sendable (Event, BuildReport) -> Void)?

  /// Builds every deployment in memory; the first build may fail and is then shown as errors.
  public init(location: RunbookLocation) {
    options = BuildOptions(location: location, buildDate: BuildOptions.dateFromEnvironment())
    let memory = MemorySite()
    let report = SiteBuilder(options: options).build(into: memory)
    current = SiteServer(files: memory.files, errors: report.diagnostics.errors)
    firstReport = report
  }

  /// The report of the build made when the session started.
  public let firstReport: BuildReport

  public var server: SiteServer {
    lock.lock()
    defer { lock.unlock() }
    return current
  }

  /// Rebuilds now; returns what open pages should do.
  @discardableResult
  public func rebuild() -> (event: Event, report: BuildReport) {
    let memory = MemorySite()
    let report = SiteBuilder(options: options).build(into: memory)
    var files = memory.files
    lock.lock()
    defer { lock.unlock() }
    let errors = report.diagnostics.errors
    if files.isEmpty && !errors.isEmpty {
      // The runbook itself failed: everything stays as it was.
      current = SiteServer(files: current.builtFiles(ofSites: nil), errors: errors)
      return (.failed(Self.text(errors)), report)
    }
    files.merge(current.builtFiles(ofSites: Set(report.failed))) { new, _ in new }
    current = SiteServer(files: files, errors: errors)
    return (errors.isEmpty ? .reloaded : .failed(Self.text(errors)), report)
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
    self.watcher = watcher
    watcher.start()
  }

  public func stopWatching() {
    watcher?.stop()
  }

  static func text(_ diagnostics: [Diagnostic]) -> String {
    diagnostics.map(\.description).joined(separator: "\n")
  }
}
