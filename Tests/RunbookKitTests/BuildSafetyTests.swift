import Foundation
import Testing

@testable import RunbookKit

/// What #13 found a build got wrong while saying it succeeded, or let out: one site per id, one
/// file per stage, a locked and recoverable output, inputs that stay inside, secrets that stay
/// secret, and text that cannot drive a terminal.
@Suite struct BuildSafetyTests {
  static func build(_ root: URL, files: [String] = []) -> BuildReport {
    SiteBuilder(
      options: BuildOptions(
        location: RunbookLocation(root: root), deploymentFiles: files, buildDate: "2026-01-01")
    ).build(into: OutputWriter(folder: root.appendingPathComponent("Output")))
  }

  static func text(_ root: URL, _ path: String) -> String? {
    try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
  }

  static func write(_ root: URL, _ path: String, _ text: String) throws {
    let url = root.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
  }

  // Regression test for #13.1: `ps.yml` and `ps.yaml` built into one folder at once.
  @Test func twoFilesOfOneSiteAreBothRefusedAndTheLastGoodSiteStays() throws {
    let root = try fixtureSite("choices")
    defer { try? FileManager.default.removeItem(at: root) }
    #expect(Self.build(root).succeeded)
    let before = Self.text(root, "Output/ps/index.html")
    try Self.write(
      root, "Content/deployments/ps.yaml",
      "name: Twin\nchoose: {iis_auth: text-editor}\nvalues:\n  server: IDM09\n")
    let report = Self.build(root)
    #expect(report.failed == ["ps", "ps"])
    #expect(
      report.diagnostics.errors.map(\.description) == [
        "Content/deployments/ps.yaml: error: Content/deployments/ps.yaml and Content/deployments/ps.yml would both be written to the site 'ps'\n  fix: rename or remove one of them: a site's folder is its file's name without .yml or .yaml",
        "Content/deployments/ps.yml: error: Content/deployments/ps.yml and Content/deployments/ps.yaml would both be written to the site 'ps'\n  fix: rename or remove one of them: a site's folder is its file's name without .yml or .yaml",
      ])
    #expect(Self.text(root, "Output/ps/index.html") == before)
  }

  // Regression test for #13.3: `index.html.yml` turned Output/index.html into a folder.
  @Test func aDeploymentNamedLikeTheOutputsOwnFilesIsRefused() throws {
    let root = try fixtureSite("choices")
    defer { try? FileManager.default.removeItem(at: root) }
    for id in ["index.html", "assets", "404.html"] {
      try Self.write(
        root, "Content/deployments/\(id).yml",
        "name: X\nchoose: {iis_auth: powershell}\nvalues:\n  server: IDM01\n")
    }
    let report = Self.build(root)
    #expect(report.built == ["editor", "ps"])
    let fix =
      "\n  fix: rename the file: '404.html', 'assets', 'index.html' are the output folder's own"
    #expect(
      report.diagnostics.errors.map(\.description) == [
        "Content/deployments/404.html.yml: error: the site of '404.html' would be written where the output's own '404.html' is"
          + fix,
        "Content/deployments/assets.yml: error: the site of 'assets' would be written where the output's own 'assets' is"
          + fix,
        "Content/deployments/index.html.yml: error: the site of 'index.html' would be written where the output's own 'index.html' is"
          + fix,
      ])
    var isFolder: ObjCBool = true
    #expect(
      FileManager.default.fileExists(
        atPath: root.appendingPathComponent("Output/index.html").path, isDirectory: &isFolder))
    #expect(!isFolder.boolValue)
  }

  // Regression test for #13.2: stages and pages of one output path overwrote each other.
  @Test func stagesAndPagesOfOneOutputPathAreErrorsAndAnEmptySlugIsStageN() throws {
    let root = try fixtureSite("choices")
    defer { try? FileManager.default.removeItem(at: root) }
    try Self.write(root, "Content/pages/a/p.md", "# A\n\n## !!!\n\n1. One.\n\n## ???\n\n1. Two.\n")
    try Self.write(
      root, "Content/pages/b/p.md", "# B\n\n## Same\n\n1. One.\n\n## Same\n\n1. Two.\n")
    let definition = try #require(Self.text(root, "Content/runbook.yml"))
    try Self.write(
      root, "Content/runbook.yml",
      definition.replacingOccurrences(
        of: "  - iis.md\n", with: "  - iis.md\n  - a/p.md\n  - b/p.md\n  - iis.md\n"))
    let report = Self.build(root)
    #expect(report.built.isEmpty)
    #expect(
      report.diagnostics.errors.map(\.description) == [
        "Content/pages/b/p.md:7: error: the stage 'Same' would be written to p/same.html, as the stage 'Same' at line 3 is\n  fix: give one of the two H2 headings other words (the page is your copy: edit it), or make one an H3 inside the other's stage",
        "Content/runbook.yml: error: the pages Content/pages/a/p.md and Content/pages/b/p.md would both be written to p/\n  fix: rename one of the files: a page's stages are written to a folder named after the file",
        "Content/runbook.yml: error: the page Content/pages/iis.md is in the runbook twice\n  fix: list it once under 'pages:'",
      ])
    // Punctuation-only headings still name a file each.
    let page = try PageSource(
      name: "p", path: "p.md", directory: root,
      text: "# A\n\n## !!!\n\n1. One.\n\n## ???\n\n1. Two.\n")
    let outline = PageRenderer(page: page, matcher: SampleMatcher(values: [])).outline()
    #expect(outline.stages.map(\.slug) == ["stage-1", "stage-2"])
  }

  // Regression test for #13.5: a kill between the two renames of a swap left no site.
  @Test func theNextBuildFinishesOrUndoesASwapAKilledBuildLeft() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-recover-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    // a: killed after the old site moved aside, before the new one was complete: undone.
    // b: killed after the old site moved aside, the new one complete: finished.
    // c: killed while writing: the work folder goes, the site stays.
    // d: both a site and a leftover of an earlier swap: the leftover goes.
    for (path, text) in [
      (".a.old-11/index.html", "old a"), (".a.new-11/index.html", "half a"),
      (".b.old-12/index.html", "old b"), (".b.ready-12/index.html", "new b"),
      ("c/index.html", "old c"), (".c.new-13/index.html", "half c"),
      ("d/index.html", "d"), (".d.old-14/index.html", "older d"),
      (".index.html.new-15", "half index"), (".runbook-shared/assets/runbook.css.new-16", "x"),
      (".runbook-shared/assets/runbook.css", "kept"),
    ] {
      try Self.write(folder, path, text)
    }
    OutputWriter(folder: folder).recover()
    #expect(
      SiteTests.files(in: folder).sorted() == [
        ".runbook-shared/assets/runbook.css", "a/index.html", "b/index.html", "c/index.html",
        "d/index.html",
      ])
    #expect(
      ["a", "b", "c", "d"].map { Self.text(folder, "\($0)/index.html") } == [
        "old a", "new b", "old c", "d",
      ])
  }

  // Regression test for #13.4: builds into one folder at once failed or lost index entries.
  @Test func aSecondBuildWaitsForTheOneHoldingTheFolderAndSaysWhich() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-lock-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let first = try #require(try OutputWriter(folder: folder).lock())
    let told = AsyncStream<Int32>.makeStream()
    let second = Task.detached {
      let writer = OutputWriter(folder: folder) { told.continuation.yield($0) }
      return try writer.lock() != nil
    }
    var waitedFor: Int32?
    for await pid in told.stream {
      waitedFor = pid
      break
    }
    #expect(waitedFor == getpid())
    withExtendedLifetime(first) {}
    _ = consume first
    #expect(try await second.value)
  }

  // Regression test for #13.6: images were copied through symbolic links.
  @Test func imagesAndIncludesThroughALinkOutOfTheFolderAreRefusedNamingTheLink() throws {
    let root = try fixtureSite("choices")
    defer { try? FileManager.default.removeItem(at: root) }
    let pages = root.appendingPathComponent("Content/pages")
    try FileManager.default.createSymbolicLink(
      atPath: pages.appendingPathComponent("up").path, withDestinationPath: "/")
    let page = try #require(Self.text(root, "Content/pages/iis.md"))
    try Self.write(root, "Content/pages/iis.md", page + "\n![passwd](up/etc/passwd)\n")
    var report = Self.build(root)
    #expect(report.built.isEmpty)
    #expect(
      report.diagnostics.errors.map(\.description) == [
        "Content/pages/iis.md:18: error: the image 'up/etc/passwd' leads outside the page's folder through the symbolic link 'up'\n  fix: copy the image into the page's folder instead of linking to it"
      ])
    try Self.write(
      root, "Content/pages/iis.md",
      page
        + "\n[!INCLUDE[hosts](up/etc/hosts)]\n\n:::code source=\"up/etc/passwd\":::\n\n[!INCLUDE[up](../../../x.md)]\n"
    )
    report = Self.build(root)
    #expect(report.built.isEmpty)
    #expect(
      report.diagnostics.errors.map(\.description) == [
        "Content/pages/iis.md:18: error: the include 'up/etc/hosts' leads outside the source folder through the symbolic link 'up'\n  fix: copy the file into the source folder instead of linking to it",
        "Content/pages/iis.md:20: error: the code include 'up/etc/passwd' leads outside the source folder through the symbolic link 'up'\n  fix: copy the file into the source folder instead of linking to it",
        "Content/pages/iis.md:22: error: the include '../../../x.md' is outside the source folder\n  fix: keep the files that pages include inside the source folder",
      ])
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("Output/ps").path))
  }

  // Regression test for #13.8: password-shaped values passed as references.
  @Test(
    arguments: [
      ("vault://kv/mim/svc-mimservice", true), ("op://Infra/MIM/password", true),
      ("KeePass: MIM/Service", true), ("keepass: Lab/MIM service accounts", true),
      ("Summer:2024!", false), ("Pa55w0rd:Winter2024!", false), ("hunter2://Tr0ub4dor&3", false),
      ("Pass@word1", false), ("vault://", false), ("KeePass:", false), ("vault:// x y", false),
    ])
  func secretReferencesNameAKnownStore(value: String, valid: Bool) {
    #expect((ValueKind.secret.problem(with: value) == nil) == valid)
  }

  @Test func aRunbookCanAddStoresOfItsOwn() throws {
    let definition = try RunbookDefinition(
      path: "runbook.yml",
      text:
        "title: T\npages: [a.md]\nsecret_schemes: [Passbolt]\nvalues:\n  pw:\n    description: P\n    kind: secret\n    samples: [Pass@word1]\n"
    )
    #expect(definition.secretSchemes.last == "passbolt")
    #expect(
      ValueKind.secret.problem(with: "passbolt://mim/svc", schemes: definition.secretSchemes) == nil
    )
    #expect(
      ValueKind.secret.problem(with: "Passbolt: MIM", schemes: definition.secretSchemes) == nil)
    #expect(ValueKind.secret.problem(with: "passbolt://mim/svc") != nil)
  }

  // Regression tests for #13.7 and #13.10: the name took the sample password to every page;
  // invisible characters and NUL were written into pages; no message quotes a secret.
  @Test func namesAndValuesWithSamplePasswordsOrInvisibleCharactersAreRefusedByCodePoint() throws {
    let definition = try projectDefinition()
    func errors(_ text: String) -> [String] {
      do {
        _ = try Deployment(id: "x", path: "x.yml", text: text, definition: definition)
        return []
      } catch {
        return error.diagnostics.map(\.description)
      }
    }
    let values = fabrikamFile.components(separatedBy: "values:\n")[1]
    #expect(
      errors("name: Lab Pass@word1 copy\nvalues:\n" + values) == [
        "x.yml:1:7: error: the deployment's name holds a sample password, at character 5\n  fix: a name is shown on every page: give a display name without passwords"
      ])
    #expect(
      errors("name: \"Lab\\u202Eevil\"\nvalues:\n" + values) == [
        "x.yml:1:7: error: the deployment's name holds U+202E (a bidi control) at character 4\n  fix: retype the value: text copied from chats, mails or PDFs can carry characters that do not show, and would be copied into commands"
      ])
    let bad = values.replacingOccurrences(
      of: "mim_server: IDM01", with: "mim_server: \"IDM\\u200B01\""
    )
    .replacingOccurrences(
      of: "\"vault://kv/mim/svc-mimservice\"", with: "\"vault://kv/\\e]0;pwned\\a\""
    )
    .replacingOccurrences(of: "domain: FABRIKAM", with: "domain: \"FAB\\0RIKAM\"")
    #expect(
      errors("name: Lab\nvalues:\n" + bad).map {
        $0.replacingOccurrences(
          of:
            "\n  fix: retype the value: text copied from chats, mails or PDFs can carry characters that do not show, and would be copied into commands",
          with: "")
      } == [
        "x.yml:3:11: error: the value of 'domain' holds U+0000 (a control character) at character 4",
        "x.yml:5:15: error: the value of 'mim_server' holds U+200B (an invisible format character) at character 4",
        "x.yml:13:21: error: the value of 'service_password' holds U+001B (a control character) at character 12",
      ])
    #expect(
      errors(
        "name: Lab\nvalues:\n"
          + values.replacingOccurrences(of: "mim_server: IDM01", with: "mim_server: IDM-Pass@word1")
      )
        == [
          "x.yml:5:15: error: the value of 'mim_server' holds a sample password, at character 5\n  fix: the value is shown on the pages as it is: give the real hostname, never a password"
        ])
  }

  @Test func textForATerminalShowsControlsInsteadOfSendingThem() {
    #expect(
      TerminalText.safe("a\u{1B}]0;title\u{07}b\u{202E}c\n\td\u{0}")
        == "a<U+001B>]0;title<U+0007>b<U+202E>c\n\td<U+0000>")
    #expect(TerminalText.safe("plain: é 漢字") == "plain: é 漢字")
  }

  // Regression test for #13, smaller: a non-UTF-8 file got "cannot read" with no line, and YAML
  // errors quoted the line, secret included.
  @Test func aFileThatIsNotUTF8IsAnErrorAtItsFirstBadByte() throws {
    let root = try fixtureSite("choices")
    defer { try? FileManager.default.removeItem(at: root) }
    try Data("name: Caf".utf8 + [0xE9] + Data("\nvalues:\n  server: IDM01\n".utf8)).write(
      to: root.appendingPathComponent("Content/deployments/ps.yml"))
    let report = Self.build(root, files: ["Content/deployments/ps.yml"])
    #expect(
      report.diagnostics.errors.map(\.description) == [
        "Content/deployments/ps.yml:1:10: error: the file is not UTF-8 text: the byte 0xE9 here is not UTF-8\n  fix: save the file as UTF-8 (in most editors: Save with encoding, UTF-8)"
      ])
  }

  // Regression test for #13, smaller: a site that could not be written said "error 512".
  @Test func aSiteThatCannotBeWrittenSaysWhyInWords() throws {
    let root = try fixtureSite("choices")
    defer { try? FileManager.default.removeItem(at: root) }
    let long = String(repeating: "a", count: 250)
    try Self.write(
      root, "Content/deployments/\(long).yml",
      "name: Long\nchoose: {iis_auth: powershell}\nvalues:\n  server: IDM01\n")
    let report = Self.build(root, files: ["Content/deployments/\(long).yml"])
    let message = try #require(report.diagnostics.errors.first?.description)
    #expect(
      message.hasPrefix("Output/\(long): error: cannot write the site: File name too long ("),
      "\(message)")
    #expect(
      message.hasSuffix(
        ")\n  fix: check that the output folder is writable and the disk has room"))
  }

  // Regression test for #13, smaller: a URL value at the start of a link went upstream.
  @Test func aLinkThatStartsWithAURLValueStaysThatURL() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-url-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.copyItem(
      at: repositoryRoot.appendingPathComponent("Templates"),
      to: root.appendingPathComponent("Templates"))
    try Self.write(
      root, "Content/runbook.yml",
      "title: U\nupstream: https://docs.example.com/\npages: [p.md]\nvalues:\n  portal:\n    description: Portal\n    kind: url\n    samples: [\"http://mim.contoso.com/IdentityManagement\"]\n"
    )
    try Self.write(
      root, "Content/pages/p.md",
      "# P\n\n## S\n\n1. Open [the portal](http://mim.contoso.com/IdentityManagement).\n")
    try Self.write(
      root, "Content/deployments/u.yml",
      "name: U\nvalues:\n  portal: https://portal.fabrikam.com/im\n")
    #expect(Self.build(root).succeeded)
    let page = try #require(Self.text(root, "Output/u/p/s.html"))
    #expect(page.contains("<a href=\"https://portal.fabrikam.com/im\">"))
    #expect(!page.contains("docs.example.com/https"))
  }

  // Regression test for #13.9: a YAML error on the secret's line printed the line, password
  // included, to the terminal and to serve's error page.
  @Test(
    arguments: [
      "  service_password: \"vault://kv/x\" Tr0ub4dor&3\n",
      "  service_password: 'Tr0ub4dor&3\n",
      "  service_password: [Tr0ub4dor&3\n",
      "  service_password: Tr0ub4dor&3: x\n",
      "\tservice_password: Tr0ub4dor&3\n",
      "  service_password: *Tr0ub4dor&3\n",
      "  service_password: !Tr0ub4dor&3 x\n",
    ])
  func noYAMLErrorQuotesTheLineItIsOn(line: String) throws {
    let definition = try projectDefinition()
    let text = "name: Lab\nvalues:\n  domain: FABRIKAM\n" + line
    let error = #expect(throws: DiagnosticError.self) {
      try Deployment(id: "x", path: "x.yml", text: text, definition: definition)
    }
    let shown = error?.description ?? ""
    #expect(!shown.isEmpty)
    #expect(!shown.contains("Tr0ub4dor"), "\(shown)")
  }
}
