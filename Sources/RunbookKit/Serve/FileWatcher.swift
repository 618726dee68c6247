import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Watches folders and files, and calls back once a change has settled (editors often write a
/// file in several steps; a burst of saves is one call).
///
/// On Linux it is told of changes by inotify: a watch on every folder below the paths (added
/// for folders made later), so that 20,000 files cost nothing while nothing changes. When
/// inotify cannot start (no descriptors or watches left), it says so on standard error and
/// polls what `stat` says of every file instead.
public final class FileWatcher: Sendable {
  private let paths: [URL]
  private let interval: TimeInterval
  private let settle: TimeInterval
  private let onChange: @Sendable () -> Void
  private let log: @Sendable (String) -> Void
  private let queue = DispatchQueue(label: "runbook.watch")
  /// The timer or the inotify source, what the files looked like (polling), the folder of
  /// each inotify watch and the call waiting for a burst to settle: read and written on the
  /// watch queue and from `start`/`stop`, so behind a lock.
  private struct State {
    var timer: DispatchSourceTimer?
    var last: [String: String] = [:]
    var pendingSince: Date?
    var source: DispatchSourceRead?
    var folders: [Int32: String] = [:]
    var settling: DispatchWorkItem?
  }

  private let state: Mutex<State>

  /// How the watcher learns of changes.
  public enum Mode: Sendable, Equatable {
    case inotify, polling
  }

  /// How it watches since `start`; nil before.
  public var mode: Mode? {
    state.withLock { $0.source != nil ? .inotify : $0.timer != nil ? .polling : nil }
  }

  /// - Parameters:
  ///   - interval: how often to look when polling, in seconds.
  ///   - settle: how long the files must stay unchanged before `onChange` is called.
  ///   - log: where the line saying that inotify failed goes (standard error).
  public init(
    paths: [URL], interval: TimeInterval = 0.1, settle: TimeInterval = 0.01,
    log: @escaping @Sendable (String) -> Void = {
      FileHandle.standardError.write(Data("\($0)\n".utf8))
    },
    onChange: @escaping @Sendable () -> Void
  ) {
    self.paths = paths
    self.interval = interval
    self.settle = settle
    self.log = log
    self.onChange = onChange
    state = Mutex(State())
  }

  /// Starts watching with inotify, or by polling when inotify cannot start (or `polling`).
  public func start(polling: Bool = false) {
    let descriptor = polling ? -1 : inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
    guard descriptor >= 0 else {
      if !polling {
        log(
          "runbook: warning: cannot watch files with inotify (\(String(cString: strerror(errno))));"
            + " polling them every \(Int(interval * 1000)) ms instead")
      }
      startPolling()
      return
    }
    let queue = queue, paths = paths
    state.withLock { state in
      for url in paths { Self.addWatches(descriptor, url: url, into: &state.folders) }
      let source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: queue)
      source.setEventHandler { [weak self] in self?.readEvents(descriptor) }
      source.setCancelHandler { close(descriptor) }
      source.resume()
      state.source = source
    }
  }

  private func startPolling() {
    let interval = interval, paths = paths
    state.withLock { state in
      state.last = Self.snapshot(paths)
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
      state.source?.cancel()
      state.source = nil
      state.settling?.cancel()
      state.settling = nil
    }
  }

  /// What inotify is asked to report of a folder.
  static let events = UInt32(
    IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF
      | IN_MODIFY | IN_ATTRIB)

  /// Watches the folder at `url` and every folder below it (not hidden ones); for a file, its
  /// folder (a file saved by renaming another over it is a new file).
  static func addWatches(_ descriptor: Int32, url: URL, into folders: inout [Int32: String]) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      return
    }
    guard isDirectory.boolValue else {
      addWatch(descriptor, folder: url.deletingLastPathComponent().path, into: &folders)
      return
    }
    addWatch(descriptor, folder: url.path, into: &folders)
    let below = FileManager.default.enumerator(
      at: url, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles])
    while let item = below?.nextObject() as? URL {
      if (try? item.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true {
        addWatch(descriptor, folder: item.path, into: &folders)
      }
    }
  }

  private static func addWatch(
    _ descriptor: Int32, folder: String, into folders: inout [Int32: String]
  ) {
    let watch = inotify_add_watch(descriptor, folder, events)
    if watch >= 0 { folders[watch] = folder }
  }

  /// Reads what inotify has to say: watches new folders, and (re)starts the settling delay
  /// for any change that is not of a hidden file.
  private func readEvents(_ descriptor: Int32) {
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    var changed = false
    while true {
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      guard count > 0 else { break }
      var offset = 0
      while offset + 16 <= count {
        let (watch, mask, length) = buffer.withUnsafeBytes {
          (
            $0.loadUnaligned(fromByteOffset: offset, as: Int32.self),
            $0.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
            Int($0.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
          )
        }
        let name = String(
          decoding: buffer[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 },
          as: UTF8.self)
        offset += 16 + length
        state.withLock { state in
          if mask & UInt32(IN_IGNORED) != 0 {
            state.folders[watch] = nil
          } else if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0,
            !name.hasPrefix("."), let folder = state.folders[watch]
          {
            Self.addWatches(
              descriptor, url: URL(fileURLWithPath: folder + "/" + name), into: &state.folders)
          }
        }
        if !name.hasPrefix(".") && mask & UInt32(IN_IGNORED) == 0 { changed = true }
      }
    }
    guard changed else { return }
    let queue = queue, settle = settle
    state.withLock { state in
      state.settling?.cancel()
      let settling = DispatchWorkItem { [weak self] in
        guard let self, self.state.withLock({ $0.source != nil }) else { return }
        self.onChange()
      }
      queue.asyncAfter(deadline: .now() + settle, execute: settling)
      state.settling = settling
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
