import Foundation
import Testing

@testable import RunbookKit

/// Links and images start from the page's own folder in the docs, in the runbook and upstream.
@Suite struct LinkTests {
  static let upstream = "https://learn.microsoft.com/en-us/microsoft-identity-manager/"

  /// A runbook of `pam/x.md` (stage `setup`, anchor `ports`) and `y.md` (stage `intro`).
  static let resolver = LinkResolver(
    outlines: [
      PageOutline(
        name: "x", path: "pam/x.md", folder: "pam/", title: "X",
        stages: [StageOutline(slug: "setup", title: "Setup", line: 3, steps: [])],
        anchors: ["setup": "setup", "ports": "setup"], navigation: [], images: []),
      PageOutline(
        name: "y", path: "y.md", folder: "", title: "Y",
        stages: [StageOutline(slug: "intro", title: "Intro", line: 3, steps: [])],
        anchors: ["intro": "intro"], navigation: [], images: []),
    ], upstream: upstream)

  // Regression test for #12: from pam/x.md, tier-model.md went to the docs' top folder.
  @Test(
    arguments: [
      ("tier-model.md", .rewritten(upstream + "pam/tier-model")),
      ("./tier-model.md#step-2", .rewritten(upstream + "pam/tier-model#step-2")),
      ("../tier-model.md", .rewritten(upstream + "tier-model")),
      (
        "../../azure/x.md?tabs=ps#a",
        .rewritten("https://learn.microsoft.com/en-us/azure/x?tabs=ps#a")
      ),
      ("other.md?#anchor", .rewritten(upstream + "pam/other#anchor")),
      ("media/a.png", .rewritten(upstream + "pam/media/a.png")),
      // Pages of the runbook stay local, whichever way the path goes there.
      ("../y.md", .rewritten("../y/intro.html")),
      ("../y.md?#intro", .rewritten("../y/intro.html#intro")),
      ("x.md#ports", .rewritten("#ports")),
      ("#ports", .unchanged),
      // Regression test for #19: a DocFX tab's link failed the build as a broken anchor.
      ("#tab/powershell", .unchanged),
    ] as [(String, LinkResolver.Resolution)])
  func relativeLinksStartFromThePagesFolder(link: String, expected: LinkResolver.Resolution) {
    #expect(Self.resolver.resolve(link, page: "x", stage: "setup") == expected)
  }

  @Test func anAnchorOfAPageInAnotherFolderIsChecked() {
    #expect(
      Self.resolver.resolve("pam/x.md#port", page: "y", stage: "intro")
        == .broken(
          message: "link to '#port', which no heading or anchor of pam/x.md has",
          fix: "did you mean '#ports'?"))
    #expect(
      Self.resolver.resolve("pam/x.md#ports", page: "y", stage: "intro")
        == .rewritten("../x/setup.html#ports"))
  }

  @Test func anImageInASubfolderLoadsFromItsFolderUpstream() throws {
    let root = fixtures.appendingPathComponent("sites/subfolder-image")
    let runbook = try Runbook(loading: RunbookLocation(root: root))
    #expect(
      runbook.upstreamImages["page"] == ["media/shot.png": Self.upstream + "pam/media/shot.png"])
  }
}
