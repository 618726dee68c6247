import Foundation
import Synchronization

/// What the output folder holds of each site, in one file at its top (`.runbook-held`), so that
/// a build that changes one deployment of a thousand does not open a thousand manifests and look
/// up twenty thousand files to learn that the other sites are whole.
///
/// A line per site: its id, its pre-key, its index entry and warnings (the manifest's `#held`
/// line), then each folder of the site with its inode and modification time, taken when the site
/// was known to hold every file. Removing, adding or renaming a file changes the time of its
/// folder, and a site written again is a new folder: a site whose folders are all as its line
/// says still holds every file it was built with. A line that does not match sends the build to
/// the site's own manifest, as before there was this file; so the file only ever saves time, and
/// a build killed before writing it loses nothing.
final class HeldSummary: Sendable {
  static let file = ".runbook-held"

  struct Entry: Sendable, Equatable {
    var preKey: String
    /// The index entry and warnings as one line of JSON, as the site's manifest holds them.
    var held: String
    var folders: [Folder]
  }

  /// A folder of a site, relative to the site (`""` is the site's own), as `stat` saw it.
  struct Folder: Sendable, Equatable {
    var path: String
    var inode: UInt64
    var seconds: Int
    var nanoseconds: Int
  }

  private struct State {
    /// Each known site's line as read (where it lies in `text`), parsed when the site is asked
    /// for; nil before the file is read.
    var lines: [String: Range<Int>]?
    var entries: [String: Entry?] = [:]
    var changed = false
    /// Whether this build wrote a site: only such a build saves the file, so that a build with
    /// nothing to change leaves the output as it was.
    var wroteSite = false
    /// The sites this build wrote, to be checked and noted before the file is saved.
    var written: [String] = []
  }

  private let output: String
  private let state = Mutex(State())
  /// The file's bytes, read once.
  private let text = Mutex(Data())

  init(output: String) {
    self.output = output
  }

  /// The file's lines by site, read on the first call.
  private func lines(_ state: inout State) -> [String: Range<Int>] {
    if let lines = state.lines { return lines }
    // Read once and kept as it was read, not copied: at 10,000 sites it is 5 MB.
    let data = FileManager.default.contents(atPath: output + "/" + Self.file) ?? Data()
    var lines: [String: Range<Int>] = [:]
    data.withUnsafeBytes { raw in
      let buffer = raw.bindMemory(to: UInt8.self)
      TabbedLines.each(in: buffer) { line, tab in
        lines[String(decoding: buffer[line.lowerBound..<tab], as: UTF8.self)] = line
      }
    }
    text.withLock { $0 = data }
    state.lines = lines
    return lines
  }

  /// The entry the file's line for `id` says, if it is well formed.
  private func parsed(_ id: String, _ lines: [String: Range<Int>]) -> Entry? {
    guard let range = lines[id] else { return nil }
    return text.withLock { data in
      data.withUnsafeBytes { Self.parse($0.bindMemory(to: UInt8.self)[range]) }
    }
  }

  /// What the file says of the site `id`; the file is read on the first call.
  func entry(_ id: String) -> Entry? {
    let (known, lines) = state.withLock { state in (state.entries[id], self.lines(&state)) }
    if let known { return known }
    let entry = parsed(id, lines)
    return state.withLock { state in
      // What a `set` said meanwhile stands.
      if let known = state.entries[id] { return known }
      state.entries[id] = .some(entry)
      return entry
    }
  }

  /// Says what the site `id` now is, or that nothing is known of it (nil). An id or pre-key
  /// that could not stand in the file is not noted.
  func set(_ id: String, _ entry: Entry?) {
    let entry = entry.flatMap { entry in
      (id + entry.preKey).contains(where: { $0 == "\t" || $0 == "\n" }) ? nil : entry
    }
    let (known, lines) = state.withLock { state in (state.entries[id], self.lines(&state)) }
    let before = known ?? parsed(id, lines)
    state.withLock { state in
      state.entries[id] = .some(entry)
      if before != entry { state.changed = true }
    }
  }

  /// Notes that this build wrote (or rewrote the manifest of) the site `id`.
  func wroteSite(_ id: String) {
    state.withLock { state in
      state.wroteSite = true
      state.written.append(id)
    }
  }

  /// The sites this build wrote, each once; asked again, none.
  func takeWritten() -> [String] {
    state.withLock { state in
      defer { state.written = [] }
      return Array(Set(state.written))
    }
  }

  /// Writes the file when this build wrote a site and an entry changed or a site went: a line
  /// for each of `ids` known.
  func save(keeping ids: [String], write: (Data) throws -> Void) throws {
    let (entries, lines, changed, wroteSite) = state.withLock { state in
      (state.entries, self.lines(&state), state.changed, state.wroteSite)
    }
    guard wroteSite else { return }
    let known = Set(lines.keys).union(entries.keys)
    guard changed || !known.subtracting(ids).isEmpty else { return }
    var text = Data()
    self.text.withLock { data in
      text.reserveCapacity(data.count + 4096)
      for id in ids {
        if let entry = entries[id] {
          if let entry { text.append(contentsOf: Self.line(id, entry).utf8) }
        } else if let range = lines[id] {
          // A line no one asked about is kept as it was read.
          text.append(
            data[(data.startIndex + range.lowerBound)..<(data.startIndex + range.upperBound)])
          text.append(UInt8(ascii: "\n"))
        }
      }
    }
    try write(text)
    state.withLock { $0.changed = false }
  }

  /// The folders of the site at `site` that hold `paths` (and the site's own), as they are
  /// now; nil when one cannot be looked up or its name cannot stand in the file.
  static func folders(of site: String, holding paths: some Sequence<String>) -> [Folder]? {
    var names: Set<String> = [""]
    for path in paths {
      var folder = path[...]
      while let slash = folder.lastIndex(of: "/") {
        folder = folder[..<slash]
        // Its own folders are in already when it is.
        guard names.insert(String(folder)).inserted else { break }
      }
    }
    guard !names.contains(where: { $0.contains("\t") || $0.contains("\n") }) else { return nil }
    let directory = open(site, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard directory >= 0 else { return nil }
    defer { close(directory) }
    var folders: [Folder] = []
    for name in names.sorted() {
      guard let folder = look(name, in: directory) else { return nil }
      folders.append(folder)
    }
    return folders
  }

  /// Whether no folder changed in the last moments, by the clock that times their changes: a
  /// folder whose time is `t` may still change within the tick of `t` and keep that time, so
  /// only a time older than a tick proves that nothing changed since it was taken. A tick is
  /// a few milliseconds on ext4; 0.1 s is allowed, and 2 s where times have no fraction of a
  /// second (FAT, some network file systems).
  static func settled(_ folders: [Folder]) -> Bool {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return folders.allSatisfy { folder in
      let margin = folder.nanoseconds == 0 ? 2.0 : 0.1
      let age =
        Double(now.tv_sec - folder.seconds) + Double(now.tv_nsec - folder.nanoseconds) / 1e9
      return age >= margin
    }
  }

  /// Whether every one of `folders` is still as it was.
  static func matches(_ folders: [Folder], site: String) -> Bool {
    let directory = open(site, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard directory >= 0 else { return false }
    defer { close(directory) }
    return folders.allSatisfy { look($0.path, in: directory) == $0 }
  }

  private static func look(_ name: String, in directory: Int32) -> Folder? {
    var info = stat()
    let found = name.isEmpty ? fstat(directory, &info) : fstatat(directory, name, &info, 0)
    guard found == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
    return Folder(
      path: name, inode: UInt64(info.st_ino), seconds: info.st_mtim.tv_sec,
      nanoseconds: info.st_mtim.tv_nsec)
  }

  /// `id`, pre-key, held, then path, inode and `seconds.nanoseconds` of each folder: fields
  /// split by tabs, which none of them holds (JSON writes a tab as `\t`).
  private static func line(_ id: String, _ entry: Entry) -> String {
    var fields = [id, entry.preKey, entry.held]
    for folder in entry.folders {
      fields += [folder.path, String(folder.inode), "\(folder.seconds).\(folder.nanoseconds)"]
    }
    return fields.joined(separator: "\t") + "\n"
  }

  private static func parse(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> Entry? {
    let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map {
      String(decoding: $0, as: UTF8.self)
    }
    guard fields.count >= 3, (fields.count - 3) % 3 == 0 else { return nil }
    var folders: [Folder] = []
    var index = 3
    while index < fields.count {
      let time = fields[index + 2].utf8.split(separator: UInt8(ascii: "."))
      guard let inode = UInt64(fields[index + 1]), time.count == 2,
        let seconds = Int(Substring(time[0])), let nanoseconds = Int(Substring(time[1]))
      else { return nil }
      folders.append(
        Folder(path: fields[index], inode: inode, seconds: seconds, nanoseconds: nanoseconds))
      index += 3
    }
    // A line that names no folder of the site would check nothing.
    guard folders.contains(where: { $0.path.isEmpty }) else { return nil }
    return Entry(preKey: fields[1], held: fields[2], folders: folders)
  }
}

/// Lines of `name<TAB>rest`, as the output's own files hold them, read as bytes.
enum TabbedLines {
  /// Calls `body` with each line's range and the offset of its first tab; lines without one are
  /// passed over.
  static func each(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>, Int) -> Void) {
    var start = 0
    while start < bytes.count {
      var end = start
      while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
      var tab = start
      while tab < end && bytes[tab] != UInt8(ascii: "\t") { tab += 1 }
      if tab < end { body(start..<end, tab) }
      start = end + 1
    }
  }
}
