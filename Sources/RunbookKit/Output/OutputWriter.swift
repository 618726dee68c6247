import Foundation

/// The only part of runbook that writes `Output/`.
///
/// Each deployment's site is written to a hidden folder beside its place and swapped in whole,
/// so a failed or interrupted build never leaves a half-written site, and a deployment that
/// fails keeps its last good one. Pages that no longer exist go with the old folder.
public struct OutputWriter: Sendable {
  public let folder: URL
  /// The file in each site folder that marks it as written by runbook, with its display name.
  public static let marker = ".runbook-site"

  public init(folder: URL) {
    self.folder = folder
  }

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
        let url = staging.appendingPathComponent(file.path)
        let parent = url.deletingLastPathComponent().path
        if folders.insert(parent).inserted {
          try fileManager.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        guard fileManager.createFile(atPath: url.path, contents: file.data) else {
          throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
      }
      let marker = "\(site.deployment.name)\n\(site.stageCount)\n\(site.stepCount)\n\(site.runbookTitle)\n"
      try Data(marker.utf8).write(to: staging.appendingPathComponent(Self.marker))
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

  /// Writes a file at the top of the output folder through a temporary file and a rename.
  public func writeTopLevel(_ name: String, contents: Data) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let temporary = folder.appendingPathComponent(".\(name).new-\(getpid())")
    try contents.write(to: temporary)
    if rename(temporary.path, folder.appendingPathComponent(name).path) != 0 {
      try? FileManager.default.removeItem(at: temporary)
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: name])
    }
  }

  /// The sites in the output folder, by id: what `Output/index.html` lists.
  public func sites() -> [(id: String, name: String, stages: Int, steps: Int, runbook: String)] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.sorted().compactMap { id in
      guard !id.hasPrefix("."),
        let text = try? String(contentsOf: folder.appendingPathComponent(id).appendingPathComponent(Self.marker), encoding: .utf8)
      else { return nil }
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      guard lines.count >= 4 else { return nil }
      return (id, String(lines[0]), Int(lines[1]) ?? 0, Int(lines[2]) ?? 0, String(lines[3]))
    }
  }

  /// Removes the sites of a runbook whose deployment files no longer exist; other runbooks'
  /// sites in the same folder stay.
  public func removeSites(of runbook: String, except ids: Set<String>) {
    for site in sites() where site.runbook == runbook && !ids.contains(site.id) {
      try? FileManager.default.removeItem(at: folder.appendingPathComponent(site.id))
    }
  }
}
