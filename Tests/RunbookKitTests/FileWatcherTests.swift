import Foundation
import Synchronization
import Testing

@testable import RunbookKit

/// The watcher of `runbook serve`: told by inotify, so that a large Content/ costs nothing while
/// nothing changes. The waits below only bound a failure; what they check is what was seen.
@Suite struct FileWatcherTests {
  /// A fresh folder, removed by the caller.
  static func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-watch-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: url.appendingPathComponent("pages"), withIntermediateDirectories: true)
    return url
  }

  @Test func changesBelowTheFoldersAreSeenAlsoInFoldersMadeLater() throws {
    let root = try Self.folder()
    defer { try? FileManager.default.removeItem(at: root) }
    let changes = DispatchSemaphore(value: 0)
    let logged = LockedLines()
    let watcher = FileWatcher(paths: [root], log: logged.append) { changes.signal() }
    watcher.start()
    defer { watcher.stop() }
    #expect(watcher.mode == .inotify)

    try Data("one".utf8).write(to: root.appendingPathComponent("pages/a.md"))
    #expect(changes.wait(timeout: .now() + 10) == .success)

    // A folder made after the start, with one inside it: both are watched.
    let deep = root.appendingPathComponent("pages/new/deeper")
    try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
    #expect(changes.wait(timeout: .now() + 10) == .success)
    try Data("two".utf8).write(to: deep.appendingPathComponent("b.md"), options: .atomic)
    #expect(changes.wait(timeout: .now() + 10) == .success)
    #expect(logged.lines == [])
  }

  // A burst of saves settles into one call: the call comes only after the last event.
  @Test func aBurstOfSavesIsOneCall() throws {
    let root = try Self.folder()
    defer { try? FileManager.default.removeItem(at: root) }
    let calls = LockedLines()
    let done = DispatchSemaphore(value: 0)
    // A settle long enough that the 50 writes below come well within it.
    let watcher = FileWatcher(paths: [root], settle: 2) {
      calls.append("change")
      done.signal()
    }
    watcher.start()
    defer { watcher.stop() }
    for index in 0..<50 {
      try Data("\(index)".utf8).write(to: root.appendingPathComponent("pages/\(index).md"))
    }
    #expect(done.wait(timeout: .now() + 20) == .success)
    #expect(calls.lines == ["change"])
  }

  @Test func pollingIsTheFallback() throws {
    let root = try Self.folder()
    defer { try? FileManager.default.removeItem(at: root) }
    let changes = DispatchSemaphore(value: 0)
    let watcher = FileWatcher(paths: [root]) { changes.signal() }
    watcher.start(polling: true)
    defer { watcher.stop() }
    #expect(watcher.mode == .polling)
    try Data("one".utf8).write(to: root.appendingPathComponent("pages/a.md"))
    #expect(changes.wait(timeout: .now() + 10) == .success)
  }
}

/// Lines appended from any thread.
final class LockedLines: Sendable {
  private let stored = Mutex<[String]>([])
  var lines: [String] { stored.withLock { $0 } }
  func append(_ line: String) { stored.withLock { $0.append(line) } }
}
