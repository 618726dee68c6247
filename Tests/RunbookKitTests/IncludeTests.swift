import Foundation
import Testing

@testable import RunbookKit

/// DocFX includes: `[!INCLUDE[title](path)]`, as a block and inline, nested, from any folder.
@Suite struct IncludeTests {
  static func build(_ root: URL) -> (BuildReport, MemorySite) {
    let memory = MemorySite()
    let report = SiteBuilder(
      options: BuildOptions(location: RunbookLocation(root: root), buildDate: "2026-01-01")
    ).build(into: memory)
    return (report, memory)
  }

  // Regression test for #19: includes showed as `[!INCLUDE[...](...)]` text.
  @Test func blockInlineAndNestedIncludesTakeTheirPlaceAndAreSubstituted() throws {
    let root = try fixtureSite("includes")
    defer { try? FileManager.default.removeItem(at: root) }
    let (report, memory) = Self.build(root)
    #expect(report.built == ["lab"], "\(report.diagnostics)")
    let html = String(decoding: memory.files["lab/page/stage.html"] ?? Data(), as: UTF8.self)
    let server = "<span class=\"value\" data-key=\"server\" title=\"server\">IDM01</span>"
    // Block include, with its image (`../media/yes.png` from common/) and its own include's link
    // made relative to the page.
    #expect(
      html.contains(
        "<p><strong>APPLIES TO:</strong> <span class=\"image-missing\" role=\"img\" title=\"../media/yes.png is missing\">yes</span> SharePoint on \(server)</p>"
      ))
    #expect(
      html.contains(
        "<p>More about <a href=\"https://learn.microsoft.com/en-us/sharepoint/common/versions\">versions</a>.</p>"
      ))
    // Inline include.
    #expect(html.contains("<p>Sign in to <strong>\(server)</strong> as an administrator.</p>"))
    #expect(html.contains("href=\"https://learn.microsoft.com/en-us/sharepoint/guide/other\""))
    #expect(!html.contains("INCLUDE"))
  }

  @Test func aMissingIncludeAndACycleAreErrorsAtTheirLines() throws {
    let root = try fixtureSite("includes")
    defer { try? FileManager.default.removeItem(at: root) }
    let common = root.appendingPathComponent("Content/pages/common")
    try "Back to [!INCLUDE[start](applies-to.md)] and [!INCLUDE[gone](gone.md)].\n".write(
      to: common.appendingPathComponent("more.md"), atomically: true, encoding: .utf8)
    let (report, _) = Self.build(root)
    #expect(report.built.isEmpty)
    #expect(
      report.diagnostics.errors.map(\.description) == [
        "In file included from Content/pages/guide/page.md:3:\nIn file included from Content/pages/common/applies-to.md:6:\nContent/pages/common/more.md:1: error: the include 'applies-to.md' pulls itself in: ../common/applies-to.md → ../common/more.md → ../common/applies-to.md\n  fix: remove one of these includes",
        "In file included from Content/pages/guide/page.md:3:\nIn file included from Content/pages/common/applies-to.md:6:\nContent/pages/common/more.md:1: error: the include 'gone.md' names no file\n  fix: check the path: it starts from the folder of the file that includes it",
      ])
  }
}
