import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import RunbookKit
@testable import RunbookServe

/// #16: responses are made once per build and written without a copy, never served stale.
@Suite struct PreparedResponsesTests {
  @Test func aPageIsMadeOnceAndADifferentBuildMakesItAgain() throws {
    let prepared = PreparedResponses()
    let allocator = ByteBufferAllocator()
    let first = SiteServer(
      files: ["a/index.html": Data("<p>one</p>".utf8)], liveReload: false)
    let made = try #require(prepared.response(to: "/a/", from: first, allocator: allocator))
    #expect(made.body == ByteBuffer(string: "<p>one</p>"))
    #expect(
      made.keepAliveHeaders.map { "\($0.name): \($0.value)" } == [
        "Cache-Control: no-cache", "Content-Length: 10", "Content-Type: text/html; charset=utf-8",
        "ETag: \"\(ContentHash.short("<p>one</p>"))\"", "X-Content-Type-Options: nosniff",
        "Connection: keep-alive",
      ])
    #expect(made.closeHeaders["Connection"] == ["close"])
    // The same storage the second time: nothing copied.
    let again = try #require(prepared.response(to: "/a/", from: first, allocator: allocator))
    #expect(
      again.body.withUnsafeReadableBytes { $0.baseAddress }
        == made.body.withUnsafeReadableBytes { $0.baseAddress })
    // A rebuild is a new server: its page, not the one kept.
    let second = SiteServer(
      files: ["a/index.html": Data("<p>two</p>".utf8)], liveReload: false)
    #expect(
      prepared.response(to: "/a/", from: second, allocator: allocator)?.body
        == ByteBuffer(string: "<p>two</p>"))
    // Not kept: what is not a file of the site (errors, redirects, misses).
    #expect(prepared.response(to: "/_runbook/errors", from: second, allocator: allocator) == nil)
    #expect(prepared.response(to: "/a", from: second, allocator: allocator) == nil)
    #expect(prepared.response(to: "/nothing.html", from: second, allocator: allocator) == nil)
  }
}
