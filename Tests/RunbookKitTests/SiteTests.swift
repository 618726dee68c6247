import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookKit

/// Whole sites: golden pages, the prev/next chain, and what no page may hold.
@Suite(.serialized) struct SiteTests {
  /// Builds a runbook folder into a fresh temporary output folder.
  static func build(root: URL = repositoryRoot, deployments: [String] = [], output: URL? = nil)
    throws -> (report: BuildReport, output: URL)
  {
    let output =
      output
      ?? FileManager.default.temporaryDirectory.appendingPathComponent(
        "runbook-test-\(UUID().uuidString)")
    let options = BuildOptions(
      location: RunbookLocation(root: root), deploymentFiles: deployments,
      buildDate: "2026-01-01")
    return (SiteBuilder(options: options).build(into: OutputWriter(folder: output)), output)
  }

  /// Every file below `folder`, relative to it, sorted.
  static func files(in folder: URL) -> [String] {
    let all = FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []
    return all.filter { path in
      var isDirectory: ObjCBool = false
      _ = FileManager.default.fileExists(
        atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory)
      return !isDirectory.boolValue
    }.sorted()
  }

  @Test func projectContentMatchesGoldenPages() throws {
    let (report, output) = try Self.build()
    defer { try? FileManager.default.removeItem(at: output) }
    #expect(report.built == ["contoso", "fabrikam"])
    #expect(report.failed.isEmpty)
    #expect(report.diagnostics.errors.isEmpty)
    // One deployment's site and the index: the pages of other deployments differ only in their
    // values, which the compiled-equals-direct property test (SafetyTests) covers for any value.
    let golden = fixtures.appendingPathComponent("golden")
    let pages = Self.files(in: output).filter {
      $0.hasSuffix(".html") && ($0 == "index.html" || $0.hasPrefix("fabrikam/"))
    }
    if ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1" {
      try? FileManager.default.removeItem(at: golden)
      for page in pages {
        let target = golden.appendingPathComponent(page)
        try FileManager.default.createDirectory(
          at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: output.appendingPathComponent(page), to: target)
      }
      Issue.record(
        "RECORD_GOLDENS=1: goldens rewritten in Tests/Fixtures/golden; review the diff, then run the tests without it"
      )
      return
    }
    #expect(pages == Self.files(in: golden))
    for page in pages {
      let built = try String(contentsOf: output.appendingPathComponent(page), encoding: .utf8)
      let expected = try String(contentsOf: golden.appendingPathComponent(page), encoding: .utf8)
      #expect(
        built == expected,
        "\(page) differs from its golden; RECORD_GOLDENS=1 swift test rewrites them")
    }
  }

  /// Users edit Templates/: the templates of the last release, rendered against today's typed
  /// contexts, still find every key they use and make the pages they made then.
  @Test func releaseTemplatesRenderAsTheyDid() throws {
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    let templates = root.appendingPathComponent("Templates")
    for name in try FileManager.default.contentsOfDirectory(atPath: templates.path)
    where name.hasSuffix(".mustache") {
      try FileManager.default.removeItem(at: templates.appendingPathComponent(name))
    }
    let release = fixtures.appendingPathComponent("release-templates")
    for name in try FileManager.default.contentsOfDirectory(atPath: release.path)
    where name.hasSuffix(".mustache") {
      try FileManager.default.copyItem(
        at: release.appendingPathComponent(name), to: templates.appendingPathComponent(name))
    }
    let (report, output) = try Self.build(root: root)
    defer { try? FileManager.default.removeItem(at: output) }
    #expect(report.built == ["contoso", "fabrikam"])
    // What they made then: today's goldens, except where `expected/` keeps a page that a later
    // change of today's templates made differ.
    let golden = fixtures.appendingPathComponent("golden")
    let overrides = release.appendingPathComponent("expected")
    // Pages that today's templates add (search.html) have no template in the last release.
    let pages = Self.files(in: golden).filter { !$0.hasSuffix("/search.html") }
    #expect(pages.count == 9)
    for page in pages {
      let override = overrides.appendingPathComponent(page)
      let expected =
        FileManager.default.fileExists(atPath: override.path)
        ? override : golden.appendingPathComponent(page)
      #expect(
        try Data(contentsOf: output.appendingPathComponent(page)) == Data(contentsOf: expected),
        "\(page)")
    }
  }

  // Regression test for #12: a step without a note had no tick box, so progress could never
  // reach 100 %; `check --strict` could never pass on commands written with en dashes.
  @Test func everyStepCanBeTickedAndFixedDashesPassStrict() throws {
    let root = try fixtureSite("en-dashes")
    let output = root.appendingPathComponent("Output")
    defer { try? FileManager.default.removeItem(at: root) }
    let report = SiteBuilder(
      options: BuildOptions(location: RunbookLocation(root: root), buildDate: "2026-01-01")
    ).build(into: OutputWriter(folder: output))
    #expect(report.built == ["lab"])
    #expect(
      report.diagnostics.map(\.description) == [
        "Content/pages/page.md:7: note: the command writes a parameter with an en dash ('–Name'): fix_dashes makes it '-'",
        "Content/pages/page.md:11: note: the command writes a parameter with an en dash ('–Path'): fix_dashes makes it '-'",
        "Content/pages/page.md:11: warning: step 2 of stage 'stage' has no validation note\n  fix: add '2: |' and the note under 'stage:' in Content/checks/page.yml",
      ])
    // Under --strict only the missing note fails; fixed dashes are notes, never errors.
    #expect(report.diagnostics.map(\.promotedToError).errors.map(\.location.line) == [11])
    let html = try String(
      contentsOf: output.appendingPathComponent("lab/page/stage.html"), encoding: .utf8)
    #expect(html.contains("New-ADUser -Name "))
    #expect(
      html.contains(
        "<p class=\"dash-fixed\">The docs write –Name in this command; runbook typed '-' for the dash.</p>"
      ))
    #expect(
      html.contains(
        "<span class=\"dash-fixed\" title=\"The docs write –Path: runbook typed &#39;-&#39; for the dash\"><code>Set-Item -Path WSMan:\\"
      ))
    #expect(html.contains(" -Enabled $true") && !html.contains(" –Enabled"))
    // The step without a note gets a plain "Done" box, keyed like the others.
    #expect(
      html.contains(
        "<p class=\"verify-title\"><label><input type=\"checkbox\" class=\"verify-box\" data-step=\"page/stage/2\" data-source=\"f3855299202f1d38\"> Done<span class=\"visually-hidden\"> step 2: Run Set-Item -Path WSMan:\\<span class=\"value\" data-key=\"server\" title=\"server\">IDM01</span> and check it.</span></label></p>"
      ))
    // Each box is named by its step: "Verify step 1: Create the account:".
    #expect(
      html.contains(
        "data-step=\"page/stage/1\" data-source=\"a1d72b12e152336e\"> Verify<span class=\"visually-hidden\"> step 1: Create the account:</span></label>"
      ))
  }

  @Test func fabrikamSiteHasNoSampleNameAndAChainOfSixStages() throws {
    let (report, output) = try Self.build(deployments: [
      repositoryRoot.appendingPathComponent("Content/deployments/fabrikam.yml").path
    ])
    defer { try? FileManager.default.removeItem(at: output) }
    #expect(report.built == ["fabrikam"])
    let site = output.appendingPathComponent("fabrikam")
    let pages = Self.files(in: site).filter { $0.hasSuffix(".html") }
    #expect(pages.count == 9)
    let definition = try projectDefinition()

    var text = ""
    for page in pages {
      let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
      text += Self.visibleText(html)
      // Values are the deployment's own words (svc-mimservice holds "mimservice"): look outside them.
      let visible = Self.visibleText(
        html.replacingOccurrences(
          of: "<span class=\"value[^\"]*\"[^>]*>[^<]*</span>", with: " ",
          options: .regularExpression))
      for sample in definition.values.flatMap(\.samples) {
        #expect(
          !visible.localizedCaseInsensitiveContains(sample),
          "\(page) shows the sample name \(sample)")
      }
      #expect(!html.contains("Pass@word"), "\(page) holds the sample password")
    }
    // 30 steps, each holding a Verify block with a note.
    let stagePages = try pages.filter { !["index.html", "print.html", "search.html"].contains($0) }
      .map {
        try String(contentsOf: site.appendingPathComponent($0), encoding: .utf8)
      }
    let steps = stagePages.flatMap { $0.components(separatedBy: "<li class=\"step\"").dropFirst() }
    #expect(steps.count == 30)
    for step in steps {
      // From one step's opening tag to the next one's, or to the end of the page.
      let body = step
      #expect(body.components(separatedBy: "<div class=\"verify\">").count == 2)
      #expect(
        body.contains(
          "<div class=\"verify\">\n<p class=\"verify-title\"><label><input type=\"checkbox\""))
      #expect(
        body.contains("<div class=\"verify-note\">\n<p>")
          || body.contains("<div class=\"verify-note\">\n<ul>"))
    }
    for value in fabrikamValues.values {
      #expect(text.contains(value), "no page shows \(value)")
    }

    // Follow rel="next" from the first stage: six pages, then the end, and rel="prev" back.
    var chain: [String] = []
    var current: String? = "install-mim-service-portal/before-you-begin.html"
    while let page = current {
      chain.append(page)
      let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
      current = Self.link(rel: "next", in: html).map { "install-mim-service-portal/" + $0 }
      if let previous = Self.link(rel: "prev", in: html) {
        #expect(chain.dropLast().last == "install-mim-service-portal/" + previous)
      } else {
        #expect(chain.count == 1)
      }
    }
    #expect(chain.count == 6)
    #expect(Set(chain).count == 6)
  }

  /// The inode of each file of the output, but for the sites' previous generations
  /// (`.runbook-spare`), which the sites do not hold.
  static func inodes(_ folder: URL) -> [String: UInt64] {
    var result: [String: UInt64] = [:]
    for path in files(in: folder) where !path.hasPrefix(OutputWriter.spareFolder + "/") {
      var info = stat()
      if stat(folder.appendingPathComponent(path).path, &info) == 0 {
        result[path] = UInt64(info.st_ino)
      }
    }
    return result
  }

  /// Changes one Verify note of the seed page: one stage page of each site shows it.
  static func changeNote(_ root: URL) throws {
    let notes = root.appendingPathComponent("Content/checks/install-mim-service-portal.yml")
    let text = try String(contentsOf: notes, encoding: .utf8)
    let line = try #require(
      text.split(separator: "\n").first { $0.contains("returns the address") })
    try text.replacingOccurrences(of: line, with: line + " (checked twice)").write(
      to: notes, atomically: true, encoding: .utf8)
  }

  // #16: a rebuild wrote every file of every site again, where only what changed needed it.
  @Test func aRebuildWritesOnlyWhatChanged() throws {
    let root = try TestRunbook.copy(output: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let output = root.appendingPathComponent("Output")
    #expect(try Self.build(root: root, output: output).report.unchanged.isEmpty)
    let first = Self.inodes(output)

    // Nothing changed: no file is written, not even the index.
    let again = try Self.build(root: root, output: output).report
    #expect(again.unchanged == ["contoso", "fabrikam"])
    #expect(again.summary == "built 2 deployments (2 unchanged), 0 failed; 0 errors, 0 warnings")
    #expect(Self.inodes(output) == first)

    // One deployment file changed: only that site is written again (its hash is on its pages).
    let deployment = root.appendingPathComponent("Content/deployments/fabrikam.yml")
    try (String(contentsOf: deployment, encoding: .utf8) + "# reviewed\n").write(
      to: deployment, atomically: true, encoding: .utf8)
    let one = try Self.build(root: root, output: output).report
    #expect(one.unchanged == ["contoso"])
    let afterOne = Self.inodes(output)
    let changed = Set(afterOne.keys.filter { afterOne[$0] != first[$0] })
    // And perhaps the output's note of which sites are whole (.runbook-held), which a build
    // that writes a site saves.
    #expect(
      changed.allSatisfy { $0.hasPrefix("fabrikam/") || $0 == ".runbook-held" },
      "\(changed.sorted())")
    #expect(!changed.subtracting([".runbook-held"]).isEmpty)

    // One note changed: in each site, the one page that shows it, plus the print page, the
    // search page (its index holds the notes) and the site's list of files, are new; every
    // other file is the one already there.
    try Self.changeNote(root)
    let note = try Self.build(root: root, output: output).report
    #expect(note.unchanged.isEmpty)
    let afterNote = Self.inodes(output)
    let rewritten = Set(afterNote.keys.filter { afterNote[$0] != afterOne[$0] })
    let stage = "install-mim-service-portal/configure-mim-service-and-portal-for-installation.html"
    #expect(
      rewritten.subtracting([".runbook-held"]) == [
        "contoso/\(stage)", "contoso/print.html", "contoso/search.html", "contoso/.runbook-files",
        "fabrikam/\(stage)", "fabrikam/print.html", "fabrikam/search.html",
        "fabrikam/.runbook-files",
      ], "\(rewritten.sorted())")
    // And the sites hold what a build into an empty folder holds.
    let fresh = root.appendingPathComponent("Fresh")
    _ = try Self.build(root: root, output: fresh)
    for path in Self.files(in: fresh) where !path.hasPrefix(".") {
      #expect(
        try Data(contentsOf: fresh.appendingPathComponent(path))
          == Data(contentsOf: output.appendingPathComponent(path)), "\(path)")
    }
  }

  @Test func failedDeploymentKeepsItsLastGoodSiteAndOthersStillBuild() throws {
    let root = try TestRunbook.copy(output: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let output = root.appendingPathComponent("Output")
    let first = try Self.build(root: root, output: output)
    #expect(first.report.built == ["contoso", "fabrikam"])
    let page = output.appendingPathComponent("fabrikam/index.html")
    let good = try Data(contentsOf: page)

    let deployment = root.appendingPathComponent("Content/deployments/fabrikam.yml")
    let text = try String(contentsOf: deployment, encoding: .utf8)
    try text.replacingOccurrences(of: "mim_server: IDM01", with: "mim_server: IDM 01").write(
      to: deployment, atomically: true, encoding: .utf8)
    let second = try Self.build(root: root, output: output)
    #expect(second.report.built == ["contoso"])
    #expect(second.report.failed == ["fabrikam"])
    #expect(
      second.report.summary == "built 1 deployment (1 unchanged), 1 failed; 1 error, 0 warnings")
    #expect(try Data(contentsOf: page) == good)
    // Nothing half-written is left beside the sites.
    // (.runbook-index is the key of what the index was made from; .runbook-held, which sites
    // are whole, is there once a build found them so.)
    let hidden = try FileManager.default.contentsOfDirectory(atPath: output.path).filter {
      $0.hasPrefix(".") && $0 != ".runbook-held"
    }
    #expect(
      hidden.sorted() == [
        ".gitkeep", ".runbook-index", ".runbook-lock", ".runbook-shared", ".runbook-sites",
      ])
  }

  @Test func imagesThatExistAreCopiedIntoEverySite() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-image-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.copyItem(
      at: fixtures.appendingPathComponent("sites/with-image"), to: root)
    try FileManager.default.copyItem(
      at: repositoryRoot.appendingPathComponent("Templates"),
      to: root.appendingPathComponent("Templates"))
    let (report, output) = try Self.build(root: root, output: root.appendingPathComponent("Output"))
    #expect(report.built == ["lab"])
    #expect(report.diagnostics.isEmpty)
    let copied = try Data(contentsOf: output.appendingPathComponent("lab/page/media/sign-in.png"))
    #expect(
      copied
        == (try Data(contentsOf: root.appendingPathComponent("Content/pages/media/sign-in.png"))))
    let page = try String(
      contentsOf: output.appendingPathComponent("lab/page/only-stage.html"), encoding: .utf8)
    #expect(page.contains("<img src=\"media/sign-in.png\" alt=\"The sign-in screen of LAB01\" />"))
  }

  @Test func rebuildsAreByteIdenticalAndRemovedDeploymentsGo() throws {
    let root = try TestRunbook.copy(output: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let output = root.appendingPathComponent("Output")
    _ = try Self.build(root: root, output: output)
    let before = try Self.files(in: output).map {
      try Data(contentsOf: output.appendingPathComponent($0))
    }
    _ = try Self.build(root: root, output: output)
    let after = try Self.files(in: output).map {
      try Data(contentsOf: output.appendingPathComponent($0))
    }
    #expect(before == after)

    try FileManager.default.removeItem(
      at: root.appendingPathComponent("Content/deployments/contoso.yml"))
    let third = try Self.build(root: root, output: output)
    #expect(third.report.built == ["fabrikam"])
    #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("contoso").path))
    let index = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(index.contains("href=\"fabrikam/index.html\""))
    #expect(!index.contains("contoso/index.html"))
  }
}

extension SiteTests {
  /// The text of a page outside tags, scripts, styles and the head: what a reader sees.
  static func visibleText(_ html: String) -> String {
    var text = html
    for pattern in ["<head>[\\s\\S]*?</head>", "<script[\\s\\S]*?</script>", "<[^>]*>"] {
      text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
    }
    return text
  }

  /// The href of the first `<a rel="...">` on a page.
  static func link(rel: String, in html: String) -> String? {
    guard let range = html.range(of: "rel=\"\(rel)\" href=\"") else { return nil }
    return String(html[range.upperBound...].prefix { $0 != "\"" })
  }
}
