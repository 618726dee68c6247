import Foundation
import Testing

@testable import RunbookKit

/// What `scripts/fuzz` found, each input kept in `Tests/Fixtures/fuzz/found/` as the fuzzer
/// minimized it, rendered through the same pipeline as the fuzz target.
@Suite struct FuzzFindingsTests {
  static func found(_ name: String) throws -> String {
    try String(
      contentsOf: fixtures.appendingPathComponent("fuzz/found/markdown/\(name)"), encoding: .utf8)
  }

  /// cmark's HTML for `depth` bullet lists, each the only item of the one above, around `text`.
  static func nestedLists(_ depth: Int, around text: String) -> String {
    String(repeating: "<ul>\n<li>\n", count: depth - 1) + "<ul>\n<li>\(text)</li>\n</ul>\n"
      + String(repeating: "</li>\n</ul>\n", count: depth - 1)
  }

  /// 30,000 bullet lists nested in one another: walking the tree recursed once per level and
  /// overflowed the stack (SIGSEGV; AddressSanitizer: stack-overflow).
  @Test func deeplyNestedListsRenderWithoutOverflowingTheStack() throws {
    let page = try render(try Self.found("nested-lists-stack-overflow.md"))
    #expect(page.diagnostics.map(\.description) == [])
    #expect(page.stages.map(\.slug) == ["stage"])
    #expect(page.stages.first?.steps.map(\.number.description) == ["1"])
    #expect(page.stages.first?.steps.first?.html == Self.nestedLists(30_000, around: "text"))
  }

  /// 3,000 bullet lists in a step: every pass asked each node for the top of its tree by walking
  /// up to it, time in the size times the depth: 18 s under AddressSanitizer, a fuzz timeout.
  @Test func deeplyNestedListsInAStepRenderInLinearTime() throws {
    let page = try render(try Self.found("nested-lists-quadratic.md"))
    #expect(page.diagnostics.map(\.description) == [])
    #expect(page.stages.first?.steps.map(\.number.description) == ["1"])
    #expect(page.stages.first?.steps.first?.html == Self.nestedLists(3_000, around: "text"))
  }

  /// 10,000 block quotes around a sample name: the same walk up, 38 s before the fix (0.5 s
  /// after, in a debug build), a fuzz timeout; the sample is still substituted at the bottom.
  @Test func deeplyNestedQuotesRenderInLinearTime() throws {
    let markdown = try Self.found("nested-quotes-quadratic.md")
    // The time is the fuzz target's to watch (scripts/fuzz stops on a 10 s hang), not a test's.
    let page: RenderedPage? = try render(markdown)
    #expect(page?.diagnostics.map(\.description) == [])
    let depth = 10_000
    #expect(
      page?.stages.first?.steps.first?.html
        == String(repeating: "<blockquote>\n", count: depth) + "<p>"
        + value("mim_server", "IDM01") + "</p>\n"
        + String(repeating: "</blockquote>\n", count: depth))
  }

  /// 8,000 empty block quotes, one in the other (as a 16 KiB fuzz input ended): each empty quote
  /// is removed, which empties the one above, and every removal made every node walk up to the
  /// top again (63 s in a debug build); a node that moves now forgets only its own subtree's.
  @Test func emptyNestedQuotesAreRemovedInLinearTime() throws {
    let markdown = try Self.found("empty-nested-quotes-quadratic.md")
    // The time is the fuzz target's to watch (scripts/fuzz stops on a 10 s hang), not a test's.
    let page: RenderedPage? = try render(markdown)
    #expect(page?.diagnostics.map(\.description) == [])
    #expect(page?.stages.map(\.slug) == ["stage"])
    #expect(page?.stages.first?.steps.map(\.html) == [""])
  }
}
