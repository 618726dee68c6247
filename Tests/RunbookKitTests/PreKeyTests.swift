import Foundation
import Testing

@testable import RunbookKit

/// A site built from the same bytes and inputs is skipped before its deployment file is parsed,
/// and the warnings its build reported are reported again.
@Suite struct PreKeyTests {
  static func build(_ root: URL) -> BuildReport {
    SiteBuilder(
      options: BuildOptions(location: RunbookLocation(root: root), buildDate: "2026-01-01")
    )
    .build(into: OutputWriter(folder: root.appendingPathComponent("Output")))
  }

  @Test func aHeldSiteIsSkippedWithItsWarnings() throws {
    let root = try fixtureSite("choices")
    defer { try? FileManager.default.removeItem(at: root) }
    try "name: Plain lab\nvalues:\n  server: IDM01\n".write(
      to: root.appendingPathComponent("Content/deployments/plain.yml"), atomically: true,
      encoding: .utf8)
    let first = Self.build(root)
    #expect(first.built == ["editor", "plain", "ps"])
    #expect(first.unchanged.isEmpty)
    let warning = Diagnostic(
      .warning, at: SourceLocation(path: "Content/deployments/plain.yml"),
      "the deployment makes no choice of 'iis_auth' (How IIS is switched to Windows authentication): its site shows every alternative",
      fix: "add 'choose: {iis_auth: powershell}' (or text-editor)")
    #expect(first.diagnostics == [warning])

    // Nothing changed: every site is held under its pre-key, and the warning comes again.
    let again = Self.build(root)
    #expect(again.unchanged == ["editor", "plain", "ps"])
    #expect(again.diagnostics == [warning])
    let output = root.appendingPathComponent("Output")
    let manifest = try #require(
      OutputWriter.readManifest(output.appendingPathComponent("plain").path))
    let preKey = try #require(manifest.preKey)
    #expect(
      OutputWriter(folder: output).held("plain", preKey: preKey)
        == HeldSite(
          entry: SiteEntry(
            id: "plain", name: "Plain lab", stages: 1, steps: 6,
            runbook: "Fixture with two ways to do one step"), warnings: [warning]))
    #expect(OutputWriter(folder: output).held("plain", preKey: preKey + "0") == nil)

    // A site that lost a file is not held: it is built again.
    try FileManager.default.removeItem(at: output.appendingPathComponent("plain/print.html"))
    #expect(OutputWriter(folder: output).held("plain", preKey: preKey) == nil)
    let rebuilt = Self.build(root)
    #expect(rebuilt.unchanged == ["editor", "ps"])
    #expect(rebuilt.diagnostics == [warning])
    #expect(
      FileManager.default.fileExists(atPath: output.appendingPathComponent("plain/print.html").path)
    )
  }

  @Test func aChangedDefinitionChecksEveryDeploymentAgain() throws {
    let root = try fixtureSite("choices")
    defer { try? FileManager.default.removeItem(at: root) }
    _ = Self.build(root)
    let output = root.appendingPathComponent("Output")
    let before = try #require(
      OutputWriter.readManifest(output.appendingPathComponent("ps").path)?.preKey)
    // A comment changes no page: the sites are held by their key, but their pre-keys no longer
    // match, so each deployment file is read and checked, once.
    let definition = root.appendingPathComponent("Content/runbook.yml")
    try (String(contentsOf: definition, encoding: .utf8) + "# reviewed\n").write(
      to: definition, atomically: true, encoding: .utf8)
    let again = Self.build(root)
    #expect(again.unchanged == ["editor", "ps"])
    // Each held site's manifest now says the new pre-key: the next build skips them sooner.
    let after = try #require(
      OutputWriter.readManifest(output.appendingPathComponent("ps").path)?.preKey)
    #expect(after != before)
    #expect(OutputWriter(folder: output).held("ps", preKey: before) == nil)
    #expect(
      OutputWriter(folder: output).held("ps", preKey: after)
        == HeldSite(
          entry: SiteEntry(
            id: "ps", name: "Lab", stages: 1, steps: 3,
            runbook: "Fixture with two ways to do one step"), warnings: []))
    #expect(Self.build(root).unchanged == ["editor", "ps"])
  }

  @Test func theIndexIsMadeAgainOnlyWhenWhatItListsChanged() throws {
    let root = try fixtureSite("choices")
    defer { try? FileManager.default.removeItem(at: root) }
    _ = Self.build(root)
    let index = root.appendingPathComponent("Output/index.html")
    let first = try String(contentsOf: index, encoding: .utf8)
    // Held: the index is neither made nor written again.
    try "kept by hand".write(to: index, atomically: false, encoding: .utf8)
    _ = Self.build(root)
    #expect(try String(contentsOf: index, encoding: .utf8) == "kept by hand")
    // A site's name changed: the index is made again, and lists it.
    let deployment = root.appendingPathComponent("Content/deployments/ps.yml")
    try String(contentsOf: deployment, encoding: .utf8)
      .replacingOccurrences(of: "name: Lab", with: "name: PowerShell lab")
      .write(to: deployment, atomically: true, encoding: .utf8)
    _ = Self.build(root)
    let again = try String(contentsOf: index, encoding: .utf8)
    #expect(again.contains("PowerShell lab"))
    #expect(again.replacingOccurrences(of: "PowerShell lab", with: "Lab") == first)
  }
}

/// `.runbook-held`: what the output holds of each site, so that a build need not read every
/// site's manifest. It only ever saves time: a site is held through it only while every folder
/// of the site is as it was when the site was whole.
@Suite struct HeldSummaryTests {
  static func summaryLines(_ output: URL) throws -> [String: [String]] {
    let text = try String(
      contentsOf: output.appendingPathComponent(".runbook-held"), encoding: .utf8)
    var lines: [String: [String]] = [:]
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      lines[fields[0]] = fields
    }
    return lines
  }

  /// Long enough for a folder's time to prove that nothing changed since (`settled`).
  static func settle() { Thread.sleep(forTimeInterval: 0.25) }

  /// The choices fixture with a third site, `plain`, beside `editor` and `ps`.
  static func site() throws -> URL {
    let root = try fixtureSite("choices")
    try "name: Plain lab\nvalues:\n  server: IDM01\n".write(
      to: root.appendingPathComponent("Content/deployments/plain.yml"), atomically: true,
      encoding: .utf8)
    return root
  }

  /// Builds after changing `plain`'s file: only a build that writes a site saves the summary.
  static func buildWritingPlain(_ root: URL) throws -> BuildReport {
    let file = root.appendingPathComponent("Content/deployments/plain.yml")
    try (String(contentsOf: file, encoding: .utf8) + "# \(UUID())\n").write(
      to: file, atomically: true, encoding: .utf8)
    return PreKeyTests.build(root)
  }

  @Test func itNamesEverySiteWithItsPreKeyAndFoldersOnceTheyHaveSettled() throws {
    let root = try Self.site()
    defer { try? FileManager.default.removeItem(at: root) }
    let output = root.appendingPathComponent("Output")
    let summary = output.appendingPathComponent(".runbook-held")
    #expect(PreKeyTests.build(root).built == ["editor", "plain", "ps"])
    Self.settle()
    #expect(try Self.buildWritingPlain(root).unchanged == ["editor", "ps"])
    // plain, written a moment ago, is noted only if its folders settled before the build ended
    // (which takes a while under the AddressSanitizer): `aFolderChangedWithinATickProvesNothing`.
    let lines = try Self.summaryLines(output)
    #expect(lines.keys.sorted().filter { $0 != "plain" } == ["editor", "ps"])
    for (id, fields) in lines {
      let site = output.appendingPathComponent(id)
      let manifest = try #require(OutputWriter.readManifest(site.path))
      #expect(fields[1] == manifest.preKey)
      #expect(fields[2] == manifest.held)
      // Then path, inode, time: the site's own folder first, its assets among the rest.
      let folders = stride(from: 3, to: fields.count, by: 3).map { fields[$0] }
      #expect(folders.first == "")
      #expect(folders.contains("assets"))
      var info = stat()
      #expect(stat(site.path, &info) == 0 && fields[4] == String(info.st_ino))
      let entry = try #require(HeldSummary(output: output.path).entry(id))
      #expect(entry.preKey == manifest.preKey)
      #expect(HeldSummary.matches(entry.folders, site: site.path))
    }
    // A build with nothing to change holds them through it, and writes nothing.
    let before = try Data(contentsOf: summary)
    #expect(PreKeyTests.build(root).unchanged == ["editor", "plain", "ps"])
    #expect(try Data(contentsOf: summary) == before)
  }

  // Sites written a moment ago are not noted: a file removed within the same tick of the clock
  // would leave their folders' times as they are. Times set, not waited for: a build under the
  // AddressSanitizer took long enough for its sites to settle before it ended (CI, 2026-12-04).
  @Test func aFolderChangedWithinATickProvesNothing() throws {
    let site = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-settled-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: site.appendingPathComponent("assets"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: site) }
    func folders(changedSecondsAgo age: Double) throws -> [HeldSummary.Folder] {
      var now = timespec()
      clock_gettime(CLOCK_REALTIME, &now)
      let then = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 - age
      let time = timespec(tv_sec: Int(then), tv_nsec: Int((then - then.rounded(.down)) * 1e9))
      for folder in [site, site.appendingPathComponent("assets")] {
        #expect(utimensat(AT_FDCWD, folder.path, [time, time], 0) == 0)
      }
      return try #require(HeldSummary.folders(of: site.path, holding: ["assets/runbook.css"]))
    }
    #expect(try folders(changedSecondsAgo: 0.01).map(\.path) == ["", "assets"])
    #expect(!HeldSummary.settled(try folders(changedSecondsAgo: 0.01)))
    #expect(!HeldSummary.settled(try folders(changedSecondsAgo: -5)))
    #expect(HeldSummary.settled(try folders(changedSecondsAgo: 0.5)))
  }

  /// An output folder whose `record` comes a moment after the last site is written, as in a
  /// build of many sites, where most were written long before the build ends.
  struct SlowToRecord: SiteSink {
    let writer: OutputWriter
    var place: String { writer.place }
    func writeShared(_ files: [SiteFile]) throws { try writer.writeShared(files) }
    func write(_ site: DeploymentSite) throws { try writer.write(site) }
    func record(_ written: [SiteEntry], runbook: String, keeping ids: Set<String>?) throws
      -> [SiteEntry]
    {
      HeldSummaryTests.settle()
      return try writer.record(written, runbook: runbook, keeping: ids)
    }
    func writeTopLevel(_ files: [SiteFile]) throws { try writer.writeTopLevel(files) }
    func lock() throws -> AnyObject? { try writer.lock() }
    func holds(_ id: String, key: String) -> Bool { writer.holds(id, key: key) }
    func held(_ id: String, preKey: String) -> HeldSite? { writer.held(id, preKey: preKey) }
    func keep(_ id: String, preKey: String, as held: HeldSite) throws {
      try writer.keep(id, preKey: preKey, as: held)
    }
    func holdsIndex(_ key: String) -> Bool { writer.holdsIndex(key) }
    func recordIndex(_ key: String) throws { try writer.recordIndex(key) }
  }

  // A build noted only the sites it found whole, never the ones it wrote: after a template
  // change rewrote every site, each of the next builds with nothing to change read every
  // site's manifest and looked up its files (0.17 s at 1,000 sites against 0.11 s), and saved
  // nothing, so the one after did it all again. A site written early in a build has settled by
  // its end: the build checks it as the next one would, and notes it.
  @Test func aBuildNotesTheSitesItWroteThatHaveSettledByItsEnd() throws {
    let root = try Self.site()
    defer { try? FileManager.default.removeItem(at: root) }
    let output = root.appendingPathComponent("Output")
    let builder = SiteBuilder(
      options: BuildOptions(location: RunbookLocation(root: root), buildDate: "2026-01-01"))
    #expect(
      builder.build(into: SlowToRecord(writer: OutputWriter(folder: output))).built == [
        "editor", "plain", "ps",
      ])
    let lines = try Self.summaryLines(output)
    #expect(lines.keys.sorted() == ["editor", "plain", "ps"])
    for (id, fields) in lines {
      let manifest = try #require(OutputWriter.readManifest(output.appendingPathComponent(id).path))
      #expect(fields[1] == manifest.preKey)
      #expect(fields[2] == manifest.held)
    }
    // Noted as a site found whole is: a file lost since is not hidden.
    let print = output.appendingPathComponent("ps/print.html")
    try FileManager.default.removeItem(at: print)
    #expect(PreKeyTests.build(root).unchanged == ["editor", "plain"])
    #expect(FileManager.default.fileExists(atPath: print.path))
  }

  @Test func aSiteThatLostAFileInAnyFolderIsBuiltAgain() throws {
    let root = try Self.site()
    defer { try? FileManager.default.removeItem(at: root) }
    let output = root.appendingPathComponent("Output")
    _ = PreKeyTests.build(root)
    Self.settle()
    _ = try Self.buildWritingPlain(root)
    let site = output.appendingPathComponent("ps")
    let stagePage = try #require(
      FileManager.default.subpathsOfDirectory(atPath: site.path).sorted().first {
        $0.contains("/") && $0.hasSuffix(".html")
      })
    for lost in [stagePage, "assets/runbook.css", "print.html"] {
      #expect(try Self.summaryLines(output)["ps"] != nil, "ps is noted before \(lost) goes")
      let file = site.appendingPathComponent(lost)
      try FileManager.default.removeItem(at: file)
      #expect(PreKeyTests.build(root).unchanged == ["editor", "plain"], "after removing \(lost)")
      #expect(FileManager.default.fileExists(atPath: file.path), "\(lost) is back")
      Self.settle()
      #expect(try Self.buildWritingPlain(root).unchanged == ["editor", "ps"])
    }
  }

  @Test func aLineThatNoLongerMatchesIsCheckedAgainstTheSite() throws {
    let root = try Self.site()
    defer { try? FileManager.default.removeItem(at: root) }
    let output = root.appendingPathComponent("Output")
    let summary = output.appendingPathComponent(".runbook-held")
    let print = output.appendingPathComponent("ps/print.html")
    _ = PreKeyTests.build(root)
    Self.settle()
    _ = try Self.buildWritingPlain(root)
    let old = try Data(contentsOf: summary)
    #expect(try Self.summaryLines(output)["ps"] != nil)
    // ps is written again under the same pre-key; a build killed before saving the summary
    // leaves the old line, which names the folder ps had.
    try FileManager.default.removeItem(at: print)
    #expect(PreKeyTests.build(root).unchanged == ["editor", "plain"])
    try old.write(to: summary)
    Self.settle()
    #expect(try Self.buildWritingPlain(root).unchanged == ["editor", "ps"])
    var info = stat()
    #expect(stat(output.appendingPathComponent("ps").path, &info) == 0)
    #expect(try Self.summaryLines(output)["ps"]?[4] == String(info.st_ino))
    // The old line does not hide a file lost since.
    try FileManager.default.removeItem(at: print)
    try old.write(to: summary)
    #expect(PreKeyTests.build(root).unchanged == ["editor", "plain"])
    #expect(FileManager.default.fileExists(atPath: print.path))
    // Nor does a line that names no folder, whatever else it says.
    Self.settle()
    _ = try Self.buildWritingPlain(root)
    let ps = try #require(try Self.summaryLines(output)["ps"])
    try FileManager.default.removeItem(at: print)
    try Data("\(ps[0])\t\(ps[1])\t\(ps[2])\n".utf8).write(to: summary)
    #expect(PreKeyTests.build(root).unchanged == ["editor", "plain"])
    // Whatever the file holds, the build is right: it reads the sites' manifests instead.
    try Data("ps\tnot a key\n\u{0}\u{FF}garbage\n".utf8).write(to: summary)
    Self.settle()
    #expect(PreKeyTests.build(root).unchanged == ["editor", "plain", "ps"])
  }
}
