import Foundation

/// The only part of runbook that writes `Output/`.
///
/// Each deployment's site is written to a hidden folder beside its place and swapped in whole
/// (one `renameat2(RENAME_EXCHANGE)`), so a failed or killed build never leaves a half-written
/// site, and a deployment that fails keeps its last good one. Pages that no longer exist go with
/// the old folder. One build at a time holds the folder (`lock()`); the next one finishes or
/// rolls back a swap a crash interrupted and removes what killed builds left.
public struct OutputWriter: SiteSink {
  public let folder: URL
  /// Told the process id of the build that holds the folder, when this one has to wait.
  public let waiting: (@Sendable (Int32) -> Void)?
  /// The file whose `flock` says which build holds the folder; it holds that build's pid.
  public static let lockFile = ".runbook-lock"
  /// The list of the sites runbook wrote here, one line each: id, name, stages, steps, runbook.
  /// One file for all of them, not one per site: a thousand sites are a thousand fewer files.
  public static let manifest = ".runbook-sites"
  /// Where files that every site holds (assets, images) are written once, to be hard-linked
  /// into each site: a thousand sites then cost a thousand links, not a thousand copies.
  public static let sharedFolder = ".runbook-shared"
  /// Where each site's generation before the one in place is kept, to be the next build's work
  /// folder (`WorkFolder`): overwriting its pages costs a sixth of making a site anew and
  /// deleting the old one. Safe to delete whenever no build runs.
  public static let spareFolder = ".runbook-spare"

  /// What the folder holds of each site, so that a build need not read every site's manifest.
  let summary: HeldSummary

  public init(folder: URL, waiting: (@Sendable (Int32) -> Void)? = nil) {
    self.folder = folder
    self.waiting = waiting
    summary = HeldSummary(output: folder.path)
  }

  public var place: String { folder.path }

  /// Writes one deployment's site into `<folder>/<id>/`, replacing what was there.
  public func write(_ site: DeploymentSite) throws {
    let fileManager = FileManager.default
    try Self.makeFolder(folder.path)
    let id = site.deployment.id
    let staging = folder.appendingPathComponent(".\(id).new-\(getpid())")
    let ready = folder.appendingPathComponent(".\(id).ready-\(getpid())")
    let destination = folder.appendingPathComponent(id)
    try? fileManager.removeItem(at: staging)
    // What the site holds now, by key: a file whose key is the same is linked, not written.
    let held = Self.readManifest(destination.path)?.files ?? [:]
    // The site's generation before this one, when there is one, is the work folder.
    let reused = Glibc.rename(sparePath(id), staging.path) == 0
    var work =
      reused
      ? WorkFolder(
        path: staging.path,
        needed: site.files.map(\.path) + (site.key == nil ? [] : [Self.siteManifest]))
      : nil
    // A spare that could not be walked whole is not used: the site is built anew.
    if reused && work == nil { try? fileManager.removeItem(at: staging) }
    do {
      if work == nil { try Self.makeFolder(staging.path) }
      var folders = work?.present ?? []
      var manifest = "key\t\(site.key ?? "")\n"
      let heldLine = site.preKey.map { _ in
        Self.encode(HeldSite(entry: SiteEntry(site), warnings: site.warnings))
      }
      if let preKey = site.preKey, let heldLine {
        manifest += "\(Self.preKeyLine)\t\(preKey)\n\(Self.heldLine)\t\(heldLine)\n"
      }
      for file in site.files {
        let path = staging.path + "/" + file.path
        if let slash = file.path.lastIndex(of: "/") {
          let parent = String(file.path[..<slash])
          if folders.insert(parent).inserted { try Self.makeFolder(staging.path + "/" + parent) }
        }
        if let key = file.key {
          manifest += "\(file.path)\t\(key)\n"
          if held[file.path] == key,
            Self.place(file.path, linkedTo: destination.path + "/" + file.path, in: &work, at: path)
          {
            continue
          }
        }
        // A shared file is linked when `writeShared` put it in place; written otherwise.
        if file.shared, Self.place(file.path, linkedTo: sharedPath(file.path), in: &work, at: path)
        {
          continue
        }
        if try work?.write(file.path, file.data) == nil { try Self.writeFile(path, file.data) }
      }
      if site.key != nil {
        let data = Data(manifest.utf8)
        if try work?.write(Self.siteManifest, data) == nil {
          try Self.writeFile(staging.path + "/" + Self.siteManifest, data)
        }
      }
      try work?.touchFolders()
      // Complete: from here on, an interrupted swap is finished by the next build.
      try Self.rename(staging.path, ready.path)
      try swap(ready: ready, into: destination, id: id)
      // Its folders changed a moment ago: a file removed within the same tick of the clock
      // would leave their times as they are. Its files are looked at when the build ends
      // (`record`), and it is noted then if its folders have settled; else by the next build.
      summary.set(id, nil)
      summary.wroteSite(id)
    } catch {
      try? fileManager.removeItem(at: staging)
      try? fileManager.removeItem(at: ready)
      throw error
    }
  }

  /// Puts the complete site at `ready` in place of `destination`: exchanged with the old site in
  /// one step where the file system can (ext4, xfs, btrfs, tmpfs), else in two renames that the
  /// next build's `recover` completes or undoes if a crash falls between them.
  private func swap(ready: URL, into destination: URL, id: String) throws {
    if Self.exchange(ready.path, destination.path) {
      keepAsSpare(ready.path, id: id)
      return
    }
    guard FileManager.default.fileExists(atPath: destination.path) else {
      try Self.rename(ready.path, destination.path)
      return
    }
    let retired = folder.appendingPathComponent(".\(id).old-\(getpid())")
    try Self.rename(destination.path, retired.path)
    do {
      try Self.rename(ready.path, destination.path)
    } catch {
      // Put the last good site back before reporting.
      try? Self.rename(retired.path, destination.path)
      throw error
    }
    keepAsSpare(retired.path, id: id)
  }

  /// Where the generation of the site `id` before the one in place waits for the next build.
  private func sparePath(_ id: String) -> String {
    folder.path + "/" + Self.spareFolder + "/" + id
  }

  /// Keeps the site just replaced, now at `old`, as the next build's work folder (`WorkFolder`);
  /// removes it when it cannot be kept.
  private func keepAsSpare(_ old: String, id: String) {
    let spares = folder.path + "/" + Self.spareFolder
    // Only a folder of its own is kept: a site that was a link (to a folder anywhere) or a file
    // is removed as such, never walked into by the next build.
    var info = stat()
    guard lstat(old, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
      try? FileManager.default.removeItem(atPath: old)
      return
    }
    if Glibc.rename(old, sparePath(id)) == 0 { return }
    if errno == ENOENT, (try? Self.makeFolder(spares)) != nil, Glibc.rename(old, sparePath(id)) == 0
    {
      return
    }
    try? FileManager.default.removeItem(atPath: old)
  }

  /// Puts the file at `link` at `path` (`relative` in the work folder) as a hard link: kept when
  /// the work folder holds that very file already. False when no link could be made.
  private static func place(
    _ relative: String, linkedTo link: String, in work: inout WorkFolder?, at path: String
  ) -> Bool {
    if work?.holds(relative, sameAs: link) == true { return true }
    work?.remove(relative)
    return Glibc.link(link, path) == 0
  }

  private typealias Renameat2 =
    @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

  /// glibc's `renameat2`, which Swift's Glibc module does not declare; nil before glibc 2.28.
  private static let renameat2: Renameat2? = dlsym(
    UnsafeMutableRawPointer(bitPattern: 0), "renameat2"
  ).map { unsafeBitCast($0, to: Renameat2.self) }

  /// Swaps two existing paths in one step; false when either is missing or the file system
  /// cannot.
  static func exchange(_ first: String, _ second: String) -> Bool {
    guard let renameat2 else { return false }
    let renameExchange: UInt32 = 2
    return renameat2(AT_FDCWD, first, AT_FDCWD, second, renameExchange) == 0
  }

  /// `mkdir -p`, with the reason in words when it fails (a name too long, a full disk).
  static func makeFolder(_ path: String) throws {
    if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
    guard errno == ENOENT else { throw OutputError(errno: errno, path: path) }
    try makeFolder((path as NSString).deletingLastPathComponent)
    if mkdir(path, 0o755) != 0 && errno != EEXIST { throw OutputError(errno: errno, path: path) }
  }

  static func rename(_ from: String, _ to: String) throws {
    guard Glibc.rename(from, to) == 0 else { throw OutputError(errno: errno, path: to) }
  }

  // MARK: One build at a time, and what a killed build left

  /// Holds the folder for one build until it goes (or the process dies: the kernel lets go of
  /// an `flock` then).
  final class Lock {
    let descriptor: Int32
    init(descriptor: Int32) { self.descriptor = descriptor }
    deinit { close(descriptor) }
  }

  /// Takes the folder's lock, waiting (after saying for whom) while another build holds it, then
  /// recovers what an interrupted build left.
  public func lock() throws -> AnyObject? {
    try Self.makeFolder(folder.path)
    let path = folder.appendingPathComponent(Self.lockFile).path
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw OutputError(errno: errno, path: path) }
    let held = Lock(descriptor: descriptor)
    if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      let holder = (try? String(contentsOfFile: path, encoding: .utf8)).flatMap {
        Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
      }
      waiting?(holder ?? 0)
      while flock(descriptor, LOCK_EX) != 0 {
        guard errno == EINTR else { throw OutputError(errno: errno, path: path) }
      }
    }
    let pid = Data("\(getpid())\n".utf8)
    _ = ftruncate(descriptor, 0)
    _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    recover()
    return held
  }

  /// What a build killed while writing left: a swap between its two renames is finished (the
  /// new site was complete) or undone (it was not), and every work folder and temporary file
  /// goes. Only called with the lock held, when no other build is writing.
  public func recover() {
    let fileManager = FileManager.default
    guard let names = try? fileManager.contentsOfDirectory(atPath: folder.path) else { return }
    let work = names.compactMap { name -> (name: String, id: String, kind: String)? in
      // Every site's folder is listed here: the regular expression only for hidden names.
      guard name.hasPrefix("."), name.contains("-"),
        let match = name.wholeMatch(of: #/\.(.+)\.(new|ready|old)-[0-9]+/#)
      else { return nil }
      return (name, String(match.output.1), String(match.output.2))
    }
    for kind in ["ready", "old"] {
      for entry in work where entry.kind == kind {
        let destination = folder.appendingPathComponent(entry.id).path
        if !fileManager.fileExists(atPath: destination) {
          _ = Glibc.rename(folder.appendingPathComponent(entry.name).path, destination)
        }
      }
    }
    for entry in work {
      let path = folder.appendingPathComponent(entry.name)
      if fileManager.fileExists(atPath: path.path) { try? fileManager.removeItem(at: path) }
    }
    // Temporary files of the shared files and the assets.
    for top in [Self.sharedFolder, "assets"] {
      let base = folder.appendingPathComponent(top)
      guard let files = fileManager.enumerator(atPath: base.path) else { continue }
      for case let file as String in files where file.contains(/\.new-[0-9]+$/) {
        try? fileManager.removeItem(atPath: base.path + "/" + file)
      }
    }
  }

  /// In each site: the key of the whole site, then each file's path and key, one per line.
  public static let siteManifest = ".runbook-files"

  /// Lines of the manifest that name no file (no path of a site starts with '#'): the site's
  /// pre-key, then its index entry and warnings.
  static let preKeyLine = "#prekey", heldLine = "#held"

  /// What a site's manifest says: its key, its files' keys, and its pre-key and what it was
  /// built with (when the build knew them); nil without one. Read as bytes: a build reads a
  /// thousand of them.
  static func readManifest(_ site: String)
    -> (key: String, files: [String: String], preKey: String?, held: String?)?
  {
    guard let data = FileManager.default.contents(atPath: site + "/" + siteManifest) else {
      return nil
    }
    var key = ""
    var preKey: String?
    var held: String?
    var files: [String: String] = [:]
    data.withUnsafeBytes { raw in
      let bytes = raw.bindMemory(to: UInt8.self)
      TabbedLines.each(in: bytes) { line, tab in
        let name = String(decoding: bytes[line.lowerBound..<tab], as: UTF8.self)
        let value = String(decoding: bytes[(tab + 1)..<line.upperBound], as: UTF8.self)
        switch name {
        case "key": key = value
        case preKeyLine: preKey = value
        case heldLine: held = value
        default: files[name] = value
        }
      }
    }
    return (key, files, preKey, held)
  }

  /// Whether the site `id` was built with `key` and still holds every file it was built with.
  public func holds(_ id: String, key: String) -> Bool {
    let site = folder.appendingPathComponent(id).path
    guard let manifest = Self.readManifest(site), manifest.key == key else { return false }
    return Self.holdsEveryFile(site, manifest.files.keys)
  }

  /// The site `id` when it was built from what `preKey` stands for and still holds every file
  /// it was built with.
  public func held(_ id: String, preKey: String) -> HeldSite? {
    let site = folder.path + "/" + id
    // Its folders as they were when it was whole: no need to read its manifest.
    if let entry = summary.entry(id), entry.preKey == preKey,
      HeldSummary.matches(entry.folders, site: site),
      let held = Self.decode(entry.held), held.entry.id == id
    {
      return held
    }
    guard let manifest = Self.readManifest(site), manifest.preKey == preKey,
      let heldLine = manifest.held, let held = Self.decode(heldLine), held.entry.id == id
    else { return nil }
    return remember(id, site: site, files: manifest.files.keys, preKey: preKey, heldLine: heldLine)
      ? held : nil
  }

  /// Whether the site holds every one of `files`; its folders go in the summary when it does
  /// and they have not changed for a while (`HeldSummary.settled`). They are looked at before
  /// the files, so that a file removed in between shows as a changed folder.
  private func remember(
    _ id: String, site: String, files: some Collection<String>, preKey: String, heldLine: String
  ) -> Bool {
    let folders = HeldSummary.folders(of: site, holding: files)
    guard Self.holdsEveryFile(site, files) else {
      summary.set(id, nil)
      return false
    }
    summary.set(
      id,
      folders.flatMap { folders in
        HeldSummary.settled(folders)
          ? HeldSummary.Entry(preKey: preKey, held: heldLine, folders: folders) : nil
      })
    return true
  }

  /// Checks each site this build wrote as the next build would (its manifest, then its files)
  /// and notes the ones whose folders have settled since: in a build of many sites, most were
  /// written long before it ends, and the next build need not look at their files.
  private func rememberWritten() {
    let ids = summary.takeWritten()
    _ = ParallelWork.map(count: ids.count) { index in
      let id = ids[index]
      let site = folder.path + "/" + id
      guard let manifest = Self.readManifest(site), let preKey = manifest.preKey,
        let heldLine = manifest.held
      else { return false }
      return remember(
        id, site: site, files: manifest.files.keys, preKey: preKey, heldLine: heldLine)
    }
  }

  /// Puts `preKey` and `held` in the manifest of the site `id`, in place of what it says: a new
  /// manifest renamed over the old one, so that it is never half written.
  public func keep(_ id: String, preKey: String, as held: HeldSite) throws {
    let path = folder.appendingPathComponent(id).path + "/" + Self.siteManifest
    guard let data = FileManager.default.contents(atPath: path) else { return }
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").filter {
      !$0.hasPrefix(Self.preKeyLine + "\t") && !$0.hasPrefix(Self.heldLine + "\t")
    }
    guard let first = lines.first else { return }
    let heldLine = Self.encode(held)
    let text =
      "\(first)\n\(Self.preKeyLine)\t\(preKey)\n\(Self.heldLine)\t\(heldLine)\n"
      + lines.dropFirst().map { "\($0)\n" }.joined()
    let temporary = path + ".new-\(getpid())"
    try Self.writeFile(temporary, Data(text.utf8))
    do {
      try Self.rename(temporary, path)
    } catch {
      unlink(temporary)
      throw error
    }
    // The new manifest changed the site's folder just now, so its times prove nothing yet: it
    // is looked at again when the build ends.
    summary.set(id, nil)
    summary.wroteSite(id)
  }

  /// Looked up from the site's folder, not from `/`: a build asks this of every file of a
  /// thousand sites.
  private static func holdsEveryFile(_ site: String, _ paths: some Sequence<String>) -> Bool {
    let directory = open(site, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard directory >= 0 else { return false }
    defer { close(directory) }
    var info = stat()
    return paths.allSatisfy { fstatat(directory, $0, &info, 0) == 0 }
  }

  /// A site's index entry and warnings as one line of JSON (which escapes line breaks), its
  /// keys sorted so that the same site always has the same manifest.
  private static func encode(_ held: HeldSite) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return (try? encoder.encode(held)).map { String(decoding: $0, as: UTF8.self) } ?? ""
  }

  private static func decode(_ line: String) -> HeldSite? {
    try? JSONDecoder().decode(HeldSite.self, from: Data(line.utf8))
  }

  private func sharedPath(_ path: String) -> String {
    folder.path + "/" + Self.sharedFolder + "/" + path
  }

  /// Puts the files every site holds in the shared folder, each replaced whole, so that sites
  /// written before keep the bytes they were built with. A file that cannot be put there is
  /// written into each site instead.
  public func writeShared(_ files: [SiteFile]) {
    for file in files {
      let path = sharedPath(file.path)
      let parent = (path as NSString).deletingLastPathComponent
      try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
      // The same bytes already there: sites linked to them keep them, nothing to write.
      if Self.holdsBytes(path, file.data) { continue }
      let temporary = path + ".new-\(getpid())"
      if (try? Self.writeFile(temporary, file.data)) != nil, Glibc.rename(temporary, path) != 0 {
        unlink(temporary)
      }
    }
  }

  /// Writes a new file with one `write` and no `fsync`: the folder is swapped in whole afterwards,
  /// which is what makes the site appear at once; syncing each file would only slow a batch.
  static func writeFile(_ path: String, _ data: Data) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw OutputError(errno: errno, path: path) }
    defer { close(descriptor) }
    try writeAll(descriptor, data, path: path)
  }

  /// Writes all of `data` to `descriptor` from where it stands.
  static func writeAll(_ descriptor: Int32, _ data: Data, path: String) throws {
    try data.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        // swift-format-ignore: NeverForceUnwrap
        // (a non-empty buffer always has a base address)
        let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw OutputError(errno: errno, path: path)
        }
        offset += written
      }
    }
  }

  /// Records the manifest, then answers what the folder holds.
  public func record(_ written: [SiteEntry], runbook: String, keeping ids: Set<String>?) throws
    -> [SiteEntry]
  {
    let sites = try updateManifest(written: written, runbook: runbook, keeping: ids)
    rememberWritten()
    // Only ever saves time: a build that cannot write it has lost nothing.
    try? summary.save(keeping: sites.map(\.id)) { data in
      try writeTopLevel(HeldSummary.file, contents: data)
    }
    return sites
  }

  /// The index page and the assets, each through a temporary file and a rename.
  public func writeTopLevel(_ files: [SiteFile]) throws {
    for file in files {
      if file.path.contains("/") {
        let url = folder.appendingPathComponent(file.path)
        if Self.holdsBytes(url.path, file.data) { continue }
        let parent = url.deletingLastPathComponent()
        try Self.makeFolder(parent.path)
        let temporary = url.path + ".new-\(getpid())"
        try Self.writeFile(temporary, file.data)
        do {
          try Self.rename(temporary, url.path)
        } catch {
          unlink(temporary)
          throw error
        }
      } else {
        try writeTopLevel(file.path, contents: file.data)
      }
    }
  }

  /// Whether the file at `path` holds exactly `data` (its size first, then its bytes).
  static func holdsBytes(_ path: String, _ data: Data) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0, Int(info.st_size) == data.count else { return false }
    return FileManager.default.contents(atPath: path) == data
  }

  /// Writes a file at the top of the output folder through a temporary file and a rename; one
  /// that holds these bytes already is left alone.
  func writeTopLevel(_ name: String, contents: Data) throws {
    if Self.holdsBytes(folder.appendingPathComponent(name).path, contents) { return }
    try Self.makeFolder(folder.path)
    let temporary = folder.appendingPathComponent(".\(name).new-\(getpid())")
    try Self.writeFile(temporary.path, contents)
    do {
      try Self.rename(temporary.path, folder.appendingPathComponent(name).path)
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    }
  }

  /// The sites in the output folder, by id: what `Output/index.html` lists. Read as bytes: a
  /// build reads a thousand lines of it.
  public func sites() -> [SiteEntry] {
    let folder = folder.path
    guard let data = FileManager.default.contents(atPath: folder + "/" + Self.manifest) else {
      return []
    }
    let entries = data.withUnsafeBytes { raw in
      raw.bindMemory(to: UInt8.self).split(separator: UInt8(ascii: "\n")).compactMap {
        line -> SiteEntry? in
        let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
          .map { String(decoding: $0, as: UTF8.self) }
        var info = stat()
        guard fields.count == 5, stat(folder + "/" + fields[0], &info) == 0 else { return nil }
        return SiteEntry(
          id: fields[0], name: fields[1], stages: Int(fields[2]) ?? 0, steps: Int(fields[3]) ?? 0,
          runbook: fields[4])
      }
    }
    return entries.sorted { $0.id < $1.id }
  }

  /// Records what a build wrote: `written` replace their entries; with `keeping`, the runbook's
  /// sites whose deployment files are gone are removed, folder and entry.
  ///
  /// - Returns: every site the folder holds now, by id.
  @discardableResult
  public func updateManifest(written: [SiteEntry], runbook: String, keeping ids: Set<String>?)
    throws -> [SiteEntry]
  {
    var entries = Dictionary(sites().map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    for entry in written { entries[entry.id] = entry }
    if let ids {
      for entry in entries.values where entry.runbook == runbook && !ids.contains(entry.id) {
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(entry.id))
        entries[entry.id] = nil
      }
    }
    // The spare of a site that is gone goes with it.
    let spares = folder.path + "/" + Self.spareFolder
    for id in (try? FileManager.default.contentsOfDirectory(atPath: spares)) ?? []
    where entries[id] == nil {
      try? FileManager.default.removeItem(atPath: spares + "/" + id)
    }
    // Tabs and line breaks cannot be in a name (a deployment's name is one line).
    let sorted = entries.values.sorted { $0.id < $1.id }
    let lines = sorted.map { entry in
      [entry.id, entry.name, String(entry.stages), String(entry.steps), entry.runbook]
        .map { $0.replacingOccurrences(of: "\t", with: " ") }.joined(separator: "\t")
    }
    try writeTopLevel(Self.manifest, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
    return sorted
  }

  /// The file that holds the key of what `index.html` was made from.
  public static let indexKey = ".runbook-index"

  public func holdsIndex(_ key: String) -> Bool {
    var info = stat()
    return stat(folder.path + "/index.html", &info) == 0
      && FileManager.default.contents(atPath: folder.path + "/" + Self.indexKey) == Data(key.utf8)
  }

  /// Written after the index: a build killed between the two makes the index again.
  public func recordIndex(_ key: String) throws {
    try writeTopLevel(Self.indexKey, contents: Data(key.utf8))
  }
}

/// Why the output could not be written, in words ("No space left on device"), with the file:
/// what Foundation's errors say as "error 512".
public struct OutputError: Error, LocalizedError, Equatable {
  public var errno: Int32
  public var path: String

  public var errorDescription: String? {
    "\(String(cString: strerror(errno))) (\(path))"
  }
}
