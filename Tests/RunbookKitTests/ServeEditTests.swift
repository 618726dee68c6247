import Foundation
import Testing

@testable import RunbookKit

/// An edit while serving re-renders only what depends on it, and gives exactly the bytes a
/// build from scratch gives.
@Suite(.serialized) struct ServeEditTests {
  /// Every file the session serves, by path.
  static func files(_ session: ServeSession) -> [String: Data] {
    session.server.builtFiles(ofSites: nil)
  }

  /// The paths whose bytes differ between two builds, or that only one has.
  static func changed(_ before: [String: Data], _ after: [String: Data]) -> Set<String> {
    Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }
  }

  @Test func anEditToOnePageChangesThatPageOnlyAndEqualsAFreshBuild() throws {
    let corpus = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-serve-edit-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: SeriesTests.corpus, to: corpus)
    defer { try? FileManager.default.removeItem(at: corpus) }
    let location = RunbookLocation(
      root: repositoryRoot, definition: "Content/mim-deploy.yml", source: corpus.path)
    let session = ServeSession(location: location)
    #expect(session.firstReport.built == ["fabrikam-mim"])
    let before = Self.files(session)

    let page = corpus.appendingPathComponent("install-mim-sync.md")
    let text = try String(contentsOf: page, encoding: .utf8)
    try (text + "\nEdited while serving.\n").write(to: page, atomically: true, encoding: .utf8)
    #expect(session.rebuild().event == .reloaded)
    let after = Self.files(session)

    // The text ends the page's last stage: that stage's page and the print page (which holds
    // every stage) change; the page's other stages, the other pages and the rest do not.
    let stage =
      "fabrikam-mim/install-mim-sync/install-mim-2016-sp1-or-later-synchronization-service.html"
    #expect(Self.changed(before, after) == [stage, "fabrikam-mim/print.html"])
    let html = String(decoding: after[stage] ?? Data(), as: UTF8.self)
    #expect(html.contains("<p>Edited while serving.</p>"))
    // Byte for byte what a session that renders everything afresh serves.
    #expect(after == Self.files(ServeSession(location: location)))
  }

  @Test func anEditToAnIncludeReRendersThePagesThatIncludeIt() throws {
    let root = try fixtureSite("includes")
    defer { try? FileManager.default.removeItem(at: root) }
    let session = ServeSession(location: RunbookLocation(root: root))
    #expect(session.firstReport.built == ["lab"])
    let before = Self.files(session)

    let include = root.appendingPathComponent("Content/pages/common/server-name.md")
    try "the build server CORPIDM\n".write(to: include, atomically: true, encoding: .utf8)
    #expect(session.rebuild().event == .reloaded)
    let after = Self.files(session)

    // The include is in the stage's first step: the stage, the print page and search (which
    // holds every step's words) change, and so does every page that lists the steps' source
    // hashes (the overview's data-sources): the step's text changed under any record of it.
    #expect(
      Self.changed(before, after) == [
        "lab/page/stage.html", "lab/print.html", "lab/search.html", "lab/index.html",
      ])
    let server = "<span class=\"value\" data-key=\"server\" title=\"server\">IDM01</span>"
    #expect(
      String(decoding: after["lab/page/stage.html"] ?? Data(), as: UTF8.self).contains(
        "<p>Sign in to the build server \(server) as an administrator.</p>"))
    #expect(after == Self.files(ServeSession(location: RunbookLocation(root: root))))
  }

  /// Swift's strings are equal when they are canonically equivalent: an `é` of one code point
  /// and an `e` with a combining accent. The memo kept renderings by such strings, so the page
  /// stayed as the other spelling had rendered it.
  @Test func anEditThatOnlyRespellsAnAccentIsServedAsWritten() throws {
    let root = try fixtureSite("includes")
    defer { try? FileManager.default.removeItem(at: root) }
    let location = RunbookLocation(root: root)
    let include = root.appendingPathComponent("Content/pages/common/server-name.md")
    try "the caf\u{E9} server CORPIDM\n".write(to: include, atomically: true, encoding: .utf8)
    let session = ServeSession(location: location)
    #expect(session.firstReport.built == ["lab"])
    let decomposed = "the cafe\u{301} server CORPIDM\n"
    #expect(decomposed == "the caf\u{E9} server CORPIDM\n")
    try decomposed.write(to: include, atomically: true, encoding: .utf8)
    #expect(session.rebuild().event == .reloaded)
    let stage = String(
      decoding: Self.files(session)["lab/page/stage.html"] ?? Data(), as: UTF8.self)
    #expect(Array(stage.utf8).firstRange(of: Array("cafe\u{301} server".utf8)) != nil)
    #expect(Self.files(session) == Self.files(ServeSession(location: location)))
  }

  @Test func byteSearchFindsWhatFoundationFinds() {
    func first(_ needle: String, _ text: String, from start: Int = 0) -> Int? {
      var text = text
      return text.withUTF8 { ByteSearch.first(Array(needle.utf8), in: $0, from: start) }
    }
    #expect(first("<img", "<img src") == 0)
    #expect(first("src", "<img src") == 5)
    #expect(first("aab", "aaab") == 1)
    #expect(first("<img", "<img <img", from: 1) == 5)
    #expect(first("<img", "<im") == nil)
    #expect(first("é", "café") == 3)
    #expect(ByteSearch.contains("[!INCLUDE", in: "x [!INCLUDE[a](b.md)]"))
    #expect(!ByteSearch.contains("[!INCLUDE", in: "x [!include[a](b.md)]"))
  }
}
