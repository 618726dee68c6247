import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookKit

/// A site's previous generation waits in `.runbook-spare/<id>` and is the next build's work
/// folder: its pages are overwritten where they are, so that a rebuild makes and removes no
/// folder, file or link. Whatever the spare holds, the site built in it is the site a build into
/// an empty folder makes, and the site in place is never written into.
@Suite struct WorkFolderTests {
  static func build(_ root: URL) throws -> BuildReport {
    try SiteTests.build(root: root, output: root.appendingPathComponent("Output")).report
  }

  /// Every file of `folder`, by path, with its bytes.
  static func contents(_ folder: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    for path in SiteTests.files(in: folder) {
      result[path] = try Data(contentsOf: folder.appendingPathComponent(path))
    }
    return result
  }

  static func inode(_ path: URL) -> UInt64? {
    var info = stat()
    return stat(path.path, &info) == 0 ? UInt64(info.st_ino) : nil
  }

  /// A change to the footer: every page of every site but the print page differs.
  static func changeTemplate(_ root: URL, _ mark: String) throws {
    let footer = root.appendingPathComponent("Templates/footer.mustache")
    try (String(contentsOf: footer, encoding: .utf8) + "<!-- \(mark) -->\n").write(
      to: footer, atomically: true, encoding: .utf8)
  }

  /// The project's runbook built, then built again after a template change: each site has a
  /// spare. The caller removes the folder.
  static func builtTwice() throws -> (root: URL, output: URL) {
    let root = try TestRunbook.copy(output: true)
    _ = try build(root)
    try changeTemplate(root, "one")
    _ = try build(root)
    return (root, root.appendingPathComponent("Output"))
  }

  /// The sites of `output` hold exactly what a build of the same input into an empty folder holds.
  static func expectFresh(_ root: URL, _ output: URL, _ ids: [String]) throws {
    let fresh = root.appendingPathComponent("Fresh-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: fresh) }
    _ = try SiteTests.build(root: root, output: fresh)
    for id in ids {
      let built = try contents(output.appendingPathComponent(id))
      let expected = try contents(fresh.appendingPathComponent(id))
      #expect(built.keys.sorted() == expected.keys.sorted(), "\(id)")
      for (path, data) in expected { #expect(built[path] == data, "\(id)/\(path)") }
    }
  }

  @Test func aTemplateRebuildOverwritesTheGenerationBeforeLastInPlace() throws {
    let root = try TestRunbook.copy(output: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let output = root.appendingPathComponent("Output")
    let site = output.appendingPathComponent("contoso")
    let overview = site.appendingPathComponent("index.html")
    let spare = output.appendingPathComponent(".runbook-spare/contoso")
    #expect(try Self.build(root).built == ["contoso", "fabrikam"])
    // A first build has nothing to keep.
    #expect(!FileManager.default.fileExists(atPath: spare.path))
    let first = (folder: Self.inode(site), overview: Self.inode(overview))

    try Self.changeTemplate(root, "one")
    #expect(try Self.build(root).unchanged.isEmpty)
    // The first site is kept as it was; a new folder is in place.
    #expect(Self.inode(spare) == first.folder)
    #expect(Self.inode(site) != first.folder)
    let second = Self.inode(site)

    try Self.changeTemplate(root, "two")
    #expect(try Self.build(root).unchanged.isEmpty)
    // The same folder and the same files as the first build's, holding the new pages.
    #expect(Self.inode(site) == first.folder)
    #expect(Self.inode(overview) == first.overview)
    #expect(Self.inode(spare) == second)
    #expect(try String(contentsOf: overview, encoding: .utf8).contains("<!-- two -->"))
    try Self.expectFresh(root, output, ["contoso", "fabrikam"])
    // Nothing is left beside the sites but the spares.
    let hidden = try FileManager.default.contentsOfDirectory(atPath: output.path).filter {
      $0.contains(".new-") || $0.contains(".ready-") || $0.contains(".old-")
    }
    #expect(hidden.isEmpty)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: spare.deletingLastPathComponent().path)
        .sorted() == ["contoso", "fabrikam"])
  }

  @Test func aFileTheSiteInPlaceSharesWithItsSpareIsNeverWrittenInto() throws {
    let root = try TestRunbook.copy(output: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let output = root.appendingPathComponent("Output")
    _ = try Self.build(root)
    // One note changed: the second generation links every other page to the first's files.
    try SiteTests.changeNote(root)
    _ = try Self.build(root)
    let site = output.appendingPathComponent("contoso")
    let index = site.appendingPathComponent("index.html")
    let spareIndex = output.appendingPathComponent(".runbook-spare/contoso/index.html")
    #expect(Self.inode(index) == Self.inode(spareIndex))
    let second = try Self.contents(site)

    // Every page differs now: the pages the spare shares with the site in place are replaced in
    // it, not written over, so the site that was in place keeps its bytes.
    try Self.changeTemplate(root, "three")
    _ = try Self.build(root)
    #expect(try Self.contents(output.appendingPathComponent(".runbook-spare/contoso")) == second)
    try Self.expectFresh(root, output, ["contoso", "fabrikam"])
  }

  @Test func whatTheSpareHoldsBesideTheSiteGoesAndWhatItLacksIsWritten() throws {
    let (root, output) = try Self.builtTwice()
    defer { try? FileManager.default.removeItem(at: root) }
    let spare = output.appendingPathComponent(".runbook-spare/contoso")
    let fileManager = FileManager.default
    // A stray file and folder, a folder where a page goes, a lost page, a lost folder of images,
    // and a page that is a link to a file outside the output.
    try Data("stray".utf8).write(to: spare.appendingPathComponent("stray.txt"))
    try fileManager.createDirectory(
      at: spare.appendingPathComponent("stray/deeper"), withIntermediateDirectories: true)
    try fileManager.removeItem(at: spare.appendingPathComponent("print.html"))
    try fileManager.createDirectory(
      at: spare.appendingPathComponent("print.html/inside"), withIntermediateDirectories: true)
    try fileManager.removeItem(at: spare.appendingPathComponent("search.html"))
    try fileManager.removeItem(
      at: spare.appendingPathComponent("install-mim-service-portal/media"))
    let outside = root.appendingPathComponent("outside.html")
    try Data("outside".utf8).write(to: outside)
    try fileManager.removeItem(at: spare.appendingPathComponent("index.html"))
    try fileManager.createSymbolicLink(
      at: spare.appendingPathComponent("index.html"), withDestinationURL: outside)

    try Self.changeTemplate(root, "two")
    #expect(try Self.build(root).unchanged.isEmpty)
    try Self.expectFresh(root, output, ["contoso", "fabrikam"])
    #expect(try String(contentsOf: outside, encoding: .utf8) == "outside")
  }

  @Test func theSpareOfARemovedDeploymentGoesWithItsSite() throws {
    let (root, output) = try Self.builtTwice()
    defer { try? FileManager.default.removeItem(at: root) }
    let spares = output.appendingPathComponent(".runbook-spare")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: spares.path).sorted() == [
        "contoso", "fabrikam",
      ])
    try FileManager.default.removeItem(
      at: root.appendingPathComponent("Content/deployments/fabrikam.yml"))
    #expect(try Self.build(root).built == ["contoso"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: spares.path) == ["contoso"])
    #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("fabrikam").path))
  }

  // A reused folder is an inode the output's summary may have noted two builds ago, and pages
  // written over leave a folder's time as it was: a line left by builds killed before saving
  // the summary must not pass the site off as the one it named.
  @Test func aSummaryLineAboutTheGenerationBeforeLastDoesNotMatchTheReusedFolder() throws {
    let root = try HeldSummaryTests.site()
    defer { try? FileManager.default.removeItem(at: root) }
    let output = root.appendingPathComponent("Output")
    let summary = output.appendingPathComponent(".runbook-held")
    let deployment = root.appendingPathComponent("Content/deployments/ps.yml")
    let original = try String(contentsOf: deployment, encoding: .utf8)
    _ = PreKeyTests.build(root)
    HeldSummaryTests.settle()
    _ = try HeldSummaryTests.buildWritingPlain(root)
    let old = try Data(contentsOf: summary)
    let site = output.appendingPathComponent("ps")
    let noted = try #require(try HeldSummaryTests.summaryLines(output)["ps"])
    #expect(noted[4] == Self.inode(site).map(String.init))

    for name in ["Lab two", "Lab three"] {
      try original.replacingOccurrences(of: "name: Lab", with: "name: \(name)").write(
        to: deployment, atomically: true, encoding: .utf8)
      #expect(PreKeyTests.build(root).unchanged == ["editor", "plain"])
    }
    // The folder the line names is the site's again, holding "Lab three".
    #expect(noted[4] == Self.inode(site).map(String.init))
    try old.write(to: summary)
    try original.write(to: deployment, atomically: true, encoding: .utf8)
    HeldSummaryTests.settle()
    #expect(PreKeyTests.build(root).unchanged == ["editor", "plain"])
    try Self.expectFresh(root, output, ["editor", "plain", "ps"])
  }

  /// A folder outside the output holding files named like a site's, and what it holds.
  static func outsideFolder(_ root: URL) throws -> (folder: URL, held: [String: Data]) {
    let folder = root.appendingPathComponent("Elsewhere")
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("assets"), withIntermediateDirectories: true)
    for name in ["index.html", "print.html", "assets/runbook.css", "notes.txt"] {
      try Data("kept: \(name)\n".utf8).write(to: folder.appendingPathComponent(name))
    }
    return (folder, try contents(folder))
  }

  // A spare is a folder the build made, but `Output/` is the user's: a link put where a spare
  // or a site was must never lead a build to write into, or delete from, the folder it names.
  @Test func aLinkWhereTheSpareWasIsRemovedNotWalkedInto() throws {
    let (root, output) = try Self.builtTwice()
    defer { try? FileManager.default.removeItem(at: root) }
    let (outside, held) = try Self.outsideFolder(root)
    let spare = output.appendingPathComponent(".runbook-spare/contoso")
    try FileManager.default.removeItem(at: spare)
    try FileManager.default.createSymbolicLink(at: spare, withDestinationURL: outside)

    try Self.changeTemplate(root, "two")
    #expect(try Self.build(root).failed.isEmpty)
    #expect(try Self.contents(outside) == held)
    // The spare now is the site the swap took out of place: a folder, no longer the link.
    var info = stat()
    #expect(lstat(spare.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR)
    try Self.expectFresh(root, output, ["contoso", "fabrikam"])
  }

  @Test func aFileWhereTheSpareWasIsReplacedByANewFolder() throws {
    let (root, output) = try Self.builtTwice()
    defer { try? FileManager.default.removeItem(at: root) }
    let spare = output.appendingPathComponent(".runbook-spare/contoso")
    try FileManager.default.removeItem(at: spare)
    try Data("not a folder\n".utf8).write(to: spare)

    try Self.changeTemplate(root, "two")
    #expect(try Self.build(root).failed.isEmpty)
    try Self.expectFresh(root, output, ["contoso", "fabrikam"])
  }

  @Test func aSiteThatIsALinkIsNotKeptAsTheNextSpare() throws {
    let (root, output) = try Self.builtTwice()
    defer { try? FileManager.default.removeItem(at: root) }
    let (outside, held) = try Self.outsideFolder(root)
    let site = output.appendingPathComponent("contoso")
    let spare = output.appendingPathComponent(".runbook-spare/contoso")
    try FileManager.default.removeItem(at: site)
    try FileManager.default.createSymbolicLink(at: site, withDestinationURL: outside)

    try Self.changeTemplate(root, "two")
    #expect(try Self.build(root).failed.isEmpty)
    // The link was swapped out and removed: no spare names the outside folder.
    var info = stat()
    #expect(lstat(spare.path, &info) != 0 || (info.st_mode & S_IFMT) == S_IFDIR)
    try Self.changeTemplate(root, "three")
    #expect(try Self.build(root).failed.isEmpty)
    #expect(try Self.contents(outside) == held)
    try Self.expectFresh(root, output, ["contoso", "fabrikam"])
  }
}
