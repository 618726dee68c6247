import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookKit

/// Every page of the MIMDocs corpus (`Tests/Fixtures/corpus/mimdocs`, 103 pages of every shape)
/// and of the SharePoint Server install and upgrade pages (`corpus/sharepoint-server`, 148 pages
/// and the includes they use) built as a one-page runbook with the contoso family of samples: it
/// builds, and what a reader sees holds no raw DocFX or HTML markup (no include left), no table as
/// text, no `.md` link, no link that lost its folder and no sample name.
@Suite struct CorpusSweepTests {
  static let mimdocs = fixtures.appendingPathComponent("corpus/mimdocs")
  static let sharePoint = fixtures.appendingPathComponent("corpus/sharepoint-server")
  static let mimUpstream = "https://learn.microsoft.com/en-us/microsoft-identity-manager/"
  static let sharePointUpstream = "https://learn.microsoft.com/en-us/sharepoint/"

  static func pages(in corpus: URL) -> [String] {
    let all = FileManager.default.enumerator(atPath: corpus.path)?.allObjects as? [String] ?? []
    return all.filter {
      $0.hasSuffix(".md") && !$0.hasPrefix("includes/") && !Self.isTableOfContents($0)
    }.sorted()
  }

  /// `toc.md`: the docs' navigation, headings that are links, not a procedure.
  static func isTableOfContents(_ page: String) -> Bool {
    page == "toc.md" || page.hasSuffix("/toc.md")
  }

  static let pages = pages(in: mimdocs)
  static let sharePointPages = pages(in: sharePoint)

  /// A runbook folder with the project's templates and the series' deployment, shared by every
  /// page; each page gets a definition file of its own.
  static let root: URL = {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-corpus-\(UUID().uuidString)")
    let manager = FileManager.default
    try? manager.createDirectory(
      at: root.appendingPathComponent("Content/checks"), withIntermediateDirectories: true)
    try? manager.copyItem(
      at: repositoryRoot.appendingPathComponent("Templates"),
      to: root.appendingPathComponent("Templates"))
    try? manager.copyItem(
      at: repositoryRoot.appendingPathComponent("Content/mim-deploy/deployments"),
      to: root.appendingPathComponent("Content/deployments"))
    return root
  }()

  /// The series' definition (its values and samples) with `pages:` naming one corpus page.
  static func definition(for page: String, in corpus: URL, upstream: String) throws -> String {
    let series = try String(
      contentsOf: repositoryRoot.appendingPathComponent("Content/mim-deploy.yml"), encoding: .utf8)
    return series.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      if line.hasPrefix("start: ") { return "pages: [\"\(page)\"]" }
      if line.hasPrefix("source: ") { return "source: \(corpus.path)" }
      if line.hasPrefix("upstream: ") { return "upstream: \(upstream)" }
      if line.hasPrefix("checks: ") { return "checks: Content/checks" }
      if line.hasPrefix("deployments: ") { return "deployments: Content/deployments" }
      return String(line)
    }.joined(separator: "\n")
  }

  @Test func theCorporaAreThere() {
    // 103 pages, three of them tables of contents.
    #expect(Self.pages.count == 100)
    #expect(Self.sharePointPages.count == 148)
  }

  // Regression test for #13: a page with two H2 headings of one slug wrote both stages to one
  // file, the first one lost, and the build said it succeeded.
  @Test func aTableOfContentsWithTwoHeadingsOfOneSlugStopsTheBuildNamingBoth() throws {
    let slot = "Content/toc-collision.yml"
    try Self.definition(for: "bhold/toc.md", in: Self.mimdocs, upstream: Self.mimUpstream).write(
      to: Self.root.appendingPathComponent(slot), atomically: true, encoding: .utf8)
    let report = SiteBuilder(
      options: BuildOptions(
        location: RunbookLocation(root: Self.root, definition: slot), buildDate: "2026-01-01")
    ).build(into: MemorySite())
    #expect(report.built.isEmpty)
    let fix =
      "\n  fix: give one of the two H2 headings other words (the page is your copy: edit it), or make one an H3 inside the other's stage"
    #expect(
      report.diagnostics.errors.map {
        $0.description.replacingOccurrences(of: Self.mimdocs.path + "/", with: "")
      } == [
        "bhold/toc.md:70: error: the stage 'Password Change Notification Service' would be written to toc/password-change-notification-service.html, as the stage 'Password Change Notification Service' at line 34 is"
          + fix,
        "bhold/toc.md:77: error: the stage 'Self service password Reset' would be written to toc/self-service-password-reset.html, as the stage 'Self-Service Password Reset' at line 36 is"
          + fix,
      ])
  }

  @Test(arguments: pages)
  func pageBuildsAndShowsNoMarkupAsText(page: String) throws {
    try Self.sweep(page, in: Self.mimdocs, upstream: Self.mimUpstream)
  }

  // Regression test for #19: 93 % of SharePoint pages showed `[!INCLUDE[...](...)]` as text.
  @Test(arguments: sharePointPages)
  func sharePointPageBuildsWithItsIncludes(page: String) throws {
    try Self.sweep(page, in: Self.sharePoint, upstream: Self.sharePointUpstream)
  }

  static func sweep(_ page: String, in corpus: URL, upstream: String) throws {
    let slot =
      "Content/" + corpus.lastPathComponent + "-" + page.replacingOccurrences(of: "/", with: "-")
      + ".yml"
    try Self.definition(for: page, in: corpus, upstream: upstream).write(
      to: Self.root.appendingPathComponent(slot), atomically: true, encoding: .utf8)
    let memory = MemorySite()
    let report = SiteBuilder(
      options: BuildOptions(
        location: RunbookLocation(root: Self.root, definition: slot), buildDate: "2026-01-01")
    ).build(into: memory)
    #expect(report.built == ["fabrikam-mim"], "\(report.diagnostics.errors)")

    let name = String(page.split(separator: "/").last?.dropLast(3) ?? "")
    let folder = page.lastIndex(of: "/").map { String(page[...$0]) } ?? ""
    // The stage pages, and the print page, which holds every stage in one file.
    let html = memory.files.filter {
      $0.key.hasPrefix("fabrikam-mim/\(name)/") || $0.key == "fabrikam-mim/print.html"
    }.sorted { $0.key < $1.key }.map { String(decoding: $0.value, as: UTF8.self) }
    #expect(!html.isEmpty)
    let text = html.map(Self.visibleText).joined(separator: "\n")
    for marker in [
      "[!NOTE", "[!TIP", "[!IMPORTANT", "[!CAUTION", "[!WARNING", "[!div", ":::", "[!INCLUDE",
      "[!include", "[!VIDEO", "[!code",
    ] {
      #expect(!text.contains(marker), "\(page) shows '\(marker)' as text")
    }
    // Opening tags: a closing tag with nothing open (one page types `</i>` for `</li>`) is the
    // page's own typo, shown as written.
    let tag = #/&lt;(br|ul|ol|li|a|h[1-6]|p|b|i|em|strong|table|tr|td|th|img|sup|sub|div)[\s/&]/#
    if let found = text.firstMatch(of: tag.ignoresCase()) {
      Issue.record("\(page) shows HTML as text: \(text[found.range])")
    }
    let all = html.joined()
    #expect(!all.contains("<p>|"), "\(page) shows a table as text")
    let mdLink = #/href="[^"]*\.md([?#][^"]*)?"/#
    if let found = all.firstMatch(of: mdLink) {
      Issue.record("\(page) links to a .md file: \(all[found.range])")
    }
    // Relative links to other pages go upstream from the page's own folder.
    // Includes are no links: their text takes their place.
    let source = try String(contentsOf: corpus.appendingPathComponent(page), encoding: .utf8)
      .replacing(#/\[!(?i:include)\s*\[[^\]]*\]\([^)]*\)\]/#, with: "")
    for match in source.matches(of: #/\]\(([a-zA-Z0-9_./-]+)\.md\)/#) {
      let target = String(match.output.1)
      // A link to the page itself stays on its stage pages.
      guard !target.hasPrefix("/"), target.split(separator: "/").last.map(String.init) != name,
        let expected = URL(string: target, relativeTo: URL(string: upstream + folder))?
          .absoluteString
      else { continue }
      #expect(
        all.contains("href=\"\(expected)\"") || all.contains("href=\"\(expected)#"),
        "\(page): '\(target).md' does not go to \(expected)")
    }
  }

  /// The text of a page a reader sees as prose: without tags, scripts, code and values.
  static func visibleText(_ html: String) -> String {
    var text = html
    for pattern in [
      #/<script[\s\S]*?<\/script>/#, #/<pre[\s\S]*?<\/pre>/#, #/<code>[\s\S]*?<\/code>/#,
      #/<head>[\s\S]*?<\/head>/#,
    ] {
      text = text.replacing(pattern, with: "")
    }
    return text.replacing(#/<[^>]*>/#, with: "")
  }
}
