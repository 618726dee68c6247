import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookKit

/// What `runbook serve` answers, request by request, without a network.
@Suite struct ServeTests {
  let server = SiteServer(
    files: [
      "index.html": Data("<html><body><p>all</p></body></html>".utf8),
      "fabrikam/index.html": Data("<html><body><p>overview</p></body></html>".utf8),
      "fabrikam/install-mim-service-portal/before-you-begin.html": Data(
        "<html><body>stage</body></html>".utf8),
      "fabrikam/assets/runbook.css": Data("body{}".utf8),
      "fabrikam/assets/runbook.js": Data("x()".utf8),
      "fabrikam/media/shot.png": Data([0x89, 0x50]),
      "fabrikam/media/diagram.svg": Data("<svg/>".utf8),
      "fabrikam/fabrikam-runbook.pdf": Data("%PDF".utf8),
    ])

  @Test func routesToIndexPagesAndRedirectsFoldersWithoutSlash() {
    #expect(
      String(decoding: server.respond(method: "GET", target: "/").body, as: UTF8.self)
        == "<html><body><p>all</p><script src=\"/_runbook/live.js\"></script>\n</body></html>")
    #expect(server.respond(method: "GET", target: "/fabrikam/").status == 200)
    #expect(server.respond(method: "GET", target: "/fabrikam/?tab=1").status == 200)
    let redirect = server.respond(method: "GET", target: "/fabrikam")
    #expect(redirect.status == 301)
    #expect(redirect.headers["Location"] == "/fabrikam/")
  }

  @Test(arguments: [
    ("/fabrikam/install-mim-service-portal/before-you-begin.html", "text/html; charset=utf-8"),
    ("/fabrikam/assets/runbook.css", "text/css; charset=utf-8"),
    ("/fabrikam/assets/runbook.js", "text/javascript; charset=utf-8"),
    ("/fabrikam/media/shot.png", "image/png"),
    ("/fabrikam/media/diagram.svg", "image/svg+xml"),
    ("/fabrikam/fabrikam-runbook.pdf", "application/pdf"),
    ("/_runbook/live.js", "text/javascript; charset=utf-8"),
  ])
  func contentTypes(path: String, type: String) {
    let response = server.respond(method: "GET", target: path)
    #expect(response.status == 200)
    #expect(response.headers["Content-Type"] == type)
    #expect(response.headers["X-Content-Type-Options"] == "nosniff")
  }

  @Test func notFoundIsAPage() {
    let response = server.respond(method: "GET", target: "/fabrikam/nope.html")
    #expect(response.status == 404)
    #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
    #expect(
      String(decoding: response.body, as: UTF8.self).contains(
        "<code>/fabrikam/nope.html</code> is not a page"))
  }

  @Test func headHasTheHeadersAndNoBody() {
    let get = server.respond(method: "GET", target: "/fabrikam/assets/runbook.css")
    let head = server.respond(method: "HEAD", target: "/fabrikam/assets/runbook.css")
    #expect(head.status == 200)
    #expect(head.body.isEmpty)
    #expect(head.headers == get.headers)
    #expect(head.headers["Content-Length"] == "6")
    #expect(server.respond(method: "POST", target: "/").status == 405)
  }

  @Test func etagsAnswerNotModified() throws {
    let first = server.respond(method: "GET", target: "/fabrikam/assets/runbook.css")
    let etag = try #require(first.headers["ETag"])
    let again = server.respond(
      method: "GET", target: "/fabrikam/assets/runbook.css", ifNoneMatch: etag)
    #expect(again.status == 304)
    #expect(again.body.isEmpty)
    #expect(again.headers["ETag"] == etag)
    #expect(
      server.respond(
        method: "GET", target: "/fabrikam/assets/runbook.css", ifNoneMatch: "\"other\""
      ).status == 200)
    #expect(
      server.respond(
        method: "GET", target: "/fabrikam/assets/runbook.css", ifNoneMatch: "\"x\", \(etag)"
      ).status == 304)
  }

  // Browsers and proxies send weak tags (`W/"…"`) and lists; one that matches is enough.
  @Test func weakETagsAndListsAnswerNotModified() throws {
    let etag = try #require(
      server.respond(method: "GET", target: "/fabrikam/assets/runbook.css").headers["ETag"])
    let cases = [
      "W/\(etag)", "\"a\", W/\(etag)", "W/\"a\",\(etag)", " \"a\" , W/\"b\" ,  W/\(etag) ", "*",
      "W/\"other\"", "\"a\", W/\"b\"", "W/", "",
    ]
    #expect(
      cases.map {
        server.respond(method: "GET", target: "/fabrikam/assets/runbook.css", ifNoneMatch: $0)
          .status
      } == [304, 304, 304, 304, 304, 200, 200, 200, 200])
  }

  @Test(arguments: [
    "/../etc/passwd", "/fabrikam/../../etc/passwd", "/%2e%2e/etc/passwd",
    "/%2E%2E/%2e%2e/etc/passwd",
    "/fabrikam/%2e%2e/%2e%2e/etc/passwd", "/fabrikam/..%2f..%2fetc%2fpasswd",
    "/fabrikam%2findex.html",
    "/fabrikam\\..\\..\\etc\\passwd", "/fabrikam/%5c..%5cetc", "/./fabrikam/index.html",
    "/fabrikam/%00.html",
    "/%zz", "fabrikam/index.html", "/..", "/fabrikam/.%2e/index.html",
  ])
  func pathsThatLeaveTheSiteAreRefused(target: String) {
    let response = server.respond(method: "GET", target: target)
    #expect(response.status == 400, "\(target) got \(response.status)")
    #expect(
      String(decoding: response.body, as: UTF8.self)
        == "That path leaves the site, or cannot be read.\n")
  }

  @Test func errorsOfTheLastRebuildAreServedForTheOverlay() {
    let failing = SiteServer(
      files: ["index.html": Data("<html><body></body></html>".utf8)],
      errors: [
        .error(
          at: SourceLocation(path: "Content/deployments/x.yml", line: 3, column: 5), "bad",
          fix: "fix it")
      ])
    let response = failing.respond(method: "GET", target: "/_runbook/errors")
    #expect(
      String(decoding: response.body, as: UTF8.self)
        == "Content/deployments/x.yml:3:5: error: bad\n  fix: fix it")
    #expect(response.headers["Cache-Control"] == "no-store")
    #expect(response.headers["X-Content-Type-Options"] == "nosniff")
  }

  // A diagnostic may quote any line of a runbook's files: where a page shows it, it is text.
  @Test func theNotFoundPageShowsTheErrorsEscaped() {
    let failing = SiteServer(
      files: ["index.html": Data("<html><body></body></html>".utf8)],
      errors: [
        .error(
          at: SourceLocation(path: "Content/deployments/x.yml", line: 3, column: 5),
          "unknown value '<script>alert(\"x\")</script>' & more", fix: "remove <b>it</b>")
      ], liveReload: false)
    let response = failing.respond(method: "GET", target: "/nope.html")
    #expect(response.status == 404)
    #expect(
      String(decoding: response.body, as: UTF8.self) == """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Not found</title>
        <link rel="stylesheet" href="/assets/runbook.css"></head>
        <body><main><h1>Not found</h1><p><code>/nope.html</code> is not a page of these runbooks.</p>
        <section id="runbook-build-errors"><h2>The last build failed</h2>
        <pre>Content/deployments/x.yml:3:5: error: unknown value &#39;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp; more
          fix: remove &lt;b&gt;it&lt;/b&gt;</pre></section>
        <p><a href="/">All runbooks</a></p></main></body></html>

        """)
  }

  // A failed rebuild keeps the last good pages and shows its errors; fixing the file clears them.
  @Test func sessionKeepsTheLastGoodSiteWhileARebuildFails() throws {
    let root = try TestRunbook.copy(output: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let session = ServeSession(location: RunbookLocation(root: root))
    #expect(session.firstReport.built == ["contoso", "fabrikam"])
    let page = "/fabrikam/install-mim-service-portal/install-mim-service-and-portal.html"
    let good = session.server.respond(method: "GET", target: page).body

    let file = root.appendingPathComponent("Content/deployments/fabrikam.yml")
    let text = try String(contentsOf: file, encoding: .utf8)
    try text.replacingOccurrences(of: "mim_server: IDM01", with: "mim_server: IDM 01").write(
      to: file, atomically: true, encoding: .utf8)
    let failed = session.rebuild()
    #expect(
      failed.event
        == .failed(
          "Content/deployments/fabrikam.yml:6:15: error: 'IDM 01' (mim_server) is not a host name: ' ' is not allowed (letters, digits and '-' only)\n  fix: a host name is one DNS label: letters, digits and '-' (for example IDM01)"
        ))
    #expect(session.server.respond(method: "GET", target: page).body == good)
    #expect(session.server.respond(method: "GET", target: "/contoso/").status == 200)

    try text.replacingOccurrences(of: "mim_server: IDM01", with: "mim_server: IDM02").write(
      to: file, atomically: true, encoding: .utf8)
    #expect(session.rebuild().event == .reloaded)
    #expect(session.server.errors.isEmpty)
    #expect(
      String(decoding: session.server.respond(method: "GET", target: page).body, as: UTF8.self)
        .contains(">IDM02</span>"))
  }
}
