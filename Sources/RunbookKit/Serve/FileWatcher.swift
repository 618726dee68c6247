import Foundation
import Synchronization

/// Watches folders and files by polling what `stat` says of them: portable, and cheap for the
/// few hundred files a runbook has. Calls back once a change has settled.
public final class FileWatcher: Sendable {
  private let paths: [URL]
  private let interval: TimeInterval
  private let settle: TimeInterval
  private let onChange: @Sendable () -> Void
  private let queue = DispatchQueue(label: "runbook.watch")
  /// The timer, what the files looked like and since when a change is settling: read and written
  /// on the watch queue and from `start`/`stop`, so behind a lock.
  private struct State {
    var timer: DispatchSourceTimer?
    var last: [String: String]
    var pendingSince: Date?
  }

  private let state: Mutex<State>

  /// - Parameters:
  ///   - interval: how often to look, in seconds.
  ///   - settle: how long the files must stay unchanged before `onChange` is called (editors
  ///     often write a file in several steps).
  public init(
    paths: [URL], interval: TimeInterval = 0.1, settle: TimeInterval = 0.05,
    onChange: @escaping @Sendable () -> Void
  ) {
    self.paths = paths
    self.interval = interval
    self.settle = settle
    self.onChange = onChange
    state = Mutex(State(last: Self.snapshot(paths)))
  }

  public func start() {
    let interval = interval
    state.withLock { state in
      let timer = DispatchSource.makeTimerSource(queue: queue)
      timer.schedule(deadline: .now() + interval, repeating: interval)
      timer.setEventHandler { [weak self] in self?.poll() }
      timer.resume()
      state.timer = timer
    }
  }

  public func stop() {
    state.withLock { state in
      state.timer?.cancel()
      state.timer = nil
    }
  }

  private func poll() {
    let now = Self.snapshot(paths)
    let settled = state.withLock { state in
      if now != state.last {
        state.last = now
        state.pendingSince = Date()
      } else if let since = state.pendingSince, Date().timeIntervalSince(since) >= settle {
        state.pendingSince = nil
        return true
      }
      return false
    }
    if settled { onChange() }
  }

  /// Every regular file below the paths, with its modification time and size.
  static func snapshot(_ paths: [URL]) -> [String: String] {
    var result: [String: String] = [:]
    func add(_ path: String) {
      var info = stat()
      guard stat(path, &info) == 0 else { return }
      result[path] = "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_size)"
    }
    for url in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
        continue
      }
      if !isDirectory.boolValue {
        add(url.path)
        continue
      }
      let files = FileManager.default.enumerator(atPath: url.path)?.allObjects as? [String] ?? []
      for file in files where !file.hasPrefix(".") && !file.contains("/.") {
        add(url.path + "/" + file)
      }
    }
    return result
  }
}
