import Foundation

/// The only part of runbook that writes `Output/`.
///
/// Each deployment's site is written to a hidden folder beside its place and swapped in whole,
/// so a failed or interrupted build never leaves a half-written site, and a deployment that
/// fails keeps its last good one. Pages that no longer exist go with the old folder.
public struct OutputWriter: SiteSink {
  public let folder: URL
  /// The list of the sites runbook wrote here, one line each: id, name, stages, steps, runbook.
  /// One file for all of them, not one per site: a thousand sites are a thousand fewer files.
  public static let manifest = ".runbook-sites"
  /// Where files that every site holds (assets, images) are written once, to be hard-linked
  /// into each site: a thousand sites then cost a thousand links, not a thousand copies.
  public static let sharedFolder = ".runbook-shared"

  public init(folder: URL) {
    self.folder = folder
  }

  public var place: String { folder.path }

  /// Writes one deployment's site into `<folder>/<id>/`, replacing what was there.
  public func write(_ site: DeploymentSite) throws {
    let fileManager = FileManager.default
    try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
    let id = site.deployment.id
    let staging = folder.appendingPathComponent(".\(id).new-\(getpid())")
    let retired = folder.appendingPathComponent(".\(id).old-\(getpid())")
    let destination = folder.appendingPathComponent(id)
    try? fileManager.removeItem(at: staging)
    do {
      try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
      var folders = Set<String>()
      for file in site.files {
        let path = staging.path + "/" + file.path
        if let slash = file.path.lastIndex(of: "/") {
          let parent = staging.path + "/" + file.path[..<slash]
          if folders.insert(parent).inserted {
            try fileManager.createDirectory(atPath: parent, withIntermediateDirectories: true)
          }
        }
        // A shared file is linked when `writeShared` put it in place; written otherwise.
        if !(file.shared && link(sharedPath(file.path), path) == 0) {
          try Self.writeFile(path, file.data)
        }
      }
      if fileManager.fileExists(atPath: destination.path) {
        try fileManager.moveItem(at: destination, to: retired)
      }
      do {
        try fileManager.moveItem(at: staging, to: destination)
      } catch {
        // Put the last good site back before reporting.
        try? fileManager.moveItem(at: retired, to: destination)
        throw error
      }
      try? fileManager.removeItem(at: retired)
    } catch {
      try? fileManager.removeItem(at: staging)
      throw error
    }
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
      let temporary = path + ".new-\(getpid())"
      if (try? Self.writeFile(temporary, file.data)) != nil, rename(temporary, path) != 0 {
        unlink(temporary)
      }
    }
  }

  /// Writes a new file with one `write` and no `fsync`: the folder is swapped in whole afterwards,
  /// which is what makes the site appear at once; syncing each file would only slow a batch.
  static func writeFile(_ path: String, _ data: Data) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
    defer { close(descriptor) }
    try data.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        // swift-format-ignore: NeverForceUnwrap
        // (a non-empty buffer always has a base address)
        let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        offset += written
      }
    }
  }

  /// Records the manifest, then answers what the folder holds.
  public func record(_ written: [SiteEntry], runbook: String, keeping ids: Set<String>?) throws
    -> [SiteEntry]
  {
    try updateManifest(written: written, runbook: runbook, keeping: ids)
    return sites()
  }

  /// The index page and the assets, each through a temporary file and a rename.
  public func writeTopLevel(_ files: [SiteFile]) throws {
    for file in files {
      if file.path.contains("/") {
        let url = folder.appendingPathComponent(file.path)
        try FileManager.default.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try file.data.write(to: url, options: .atomic)
      } else {
        try writeTopLevel(file.path, contents: file.data)
      }
    }
  }

  /// Writes a file at the top of the output folder through a temporary file and a rename.
  func writeTopLevel(_ name: String, contents: Data) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let temporary = folder.appendingPathComponent(".\(name).new-\(getpid())")
    try contents.write(to: temporary)
    if rename(temporary.path, folder.appendingPathComponent(name).path) != 0 {
      try? FileManager.default.removeItem(at: temporary)
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: name])
    }
  }

  /// The sites in the output folder, by id: what `Output/index.html` lists.
  public func sites() -> [SiteEntry] {
    guard
      let text = try? String(
        contentsOf: folder.appendingPathComponent(Self.manifest), encoding: .utf8)
    else {
      return []
    }
    return text.split(separator: "\n").compactMap { line in
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard fields.count == 5,
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(fields[0]).path)
      else { return nil }
      return SiteEntry(
        id: fields[0], name: fields[1], stages: Int(fields[2]) ?? 0, steps: Int(fields[3]) ?? 0,
        runbook: fields[4])
    }.sorted { $0.id < $1.id }
  }

  /// Records what a build wrote: `written` replace their entries; with `keeping`, the runbook's
  /// sites whose deployment files are gone are removed, folder and entry.
  public func updateManifest(written: [SiteEntry], runbook: String, keeping ids: Set<String>?)
    throws
  {
    var entries = Dictionary(sites().map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    for entry in written { entries[entry.id] = entry }
    if let ids {
      for entry in entries.values where entry.runbook == runbook && !ids.contains(entry.id) {
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(entry.id))
        entries[entry.id] = nil
      }
    }
    // Tabs and line breaks cannot be in a name (a deployment's name is one line).
    let lines = entries.values.sorted { $0.id < $1.id }.map { entry in
      [entry.id, entry.name, String(entry.stages), String(entry.steps), entry.runbook]
        .map { $0.replacingOccurrences(of: "\t", with: " ") }.joined(separator: "\t")
    }
    try writeTopLevel(Self.manifest, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
  }
}
