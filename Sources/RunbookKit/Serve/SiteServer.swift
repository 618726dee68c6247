import Foundation
import Synchronization

/// An HTTP response, before any server library writes it.
public struct HTTPResponse: Sendable, Equatable {
  public var status: Int
  public var headers: [String: String]
  public var body: Data

  public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
    self.status = status
    self.headers = headers
    self.body = body
  }
}

/// What `runbook serve` answers: a static server over sites built in memory, decided without
/// any server library, so that it is tested request by request.
///
/// Only GET and HEAD; `ETag` and `If-None-Match`; paths that would leave the site (`..`, encoded
/// or not, encoded slashes, backslashes) are refused before anything is looked up.
public struct SiteServer: Sendable {
  /// Files by path from the site's root, without a leading slash: `fabrikam/index.html`.
  let files: [String: Data]
  let etags: [String: String]
  /// The files as the build gave them, before the live-reload script went into the pages.
  private let given: [String: Data]
  /// Diagnostics of the last build when it failed (the pages are the last good ones).
  public let errors: [Diagnostic]
  /// Adds the live-reload script to every HTML page.
  let liveReload: Bool
  /// Different for every server made: what the HTTP side keys the responses it prepared on.
  public let generation: UInt64

  private static let generations = Atomic<UInt64>(0)

  /// - Parameter previous: the server of the last build: a file it served from the same bytes
  ///   keeps its prepared bytes and ETag, so that a rebuild costs what changed.
  public init(
    files: [String: Data], errors: [Diagnostic] = [], liveReload: Bool = true,
    reusing previous: SiteServer? = nil
  ) {
    var given = files
    if given["index.html"] == nil { given["index.html"] = Self.emptyIndex }
    var served = given
    var etags: [String: String] = [:]
    for (path, data) in given {
      if let previous, previous.liveReload == liveReload, previous.given[path] == data,
        let kept = previous.files[path], let etag = previous.etags[path]
      {
        served[path] = kept
        etags[path] = etag
        continue
      }
      if liveReload && path.hasSuffix(".html") && files[path] != nil {
        served[path] = Self.injectingLiveReload(into: data)
      }
      etags[path] = Self.etag(of: served[path] ?? data)
    }
    if liveReload {
      let script = Data(Self.liveScript.utf8)
      served[Self.liveScriptPath] = script
      etags[Self.liveScriptPath] = Self.etag(of: script)
    }
    self.given = given
    self.files = served
    self.etags = etags
    self.errors = errors
    self.liveReload = liveReload
    generation = Self.generations.add(1, ordering: .relaxed).newValue
  }

  static func etag(of data: Data) -> String {
    "\"\(ContentHash.short(String(decoding: data, as: UTF8.self)))\""
  }

  /// Until a first build succeeds, `/` says so (and shows the errors over it).
  static let emptyIndex = Data(
    """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>Runbooks</title></head>
    <body><main><h1>Runbooks</h1><p>Nothing is built yet: the build failed. Fix what it says and save.</p></main></body></html>

    """.utf8)

  /// The files of the sites whose ids are given, as built (without the live-reload script):
  /// what a rebuild keeps of deployments that failed.
  /// With nil: every file but the live-reload script.
  func builtFiles(ofSites ids: Set<String>?) -> [String: Data] {
    files.filter { path, _ in
      guard path != Self.liveScriptPath else { return false }
      guard let ids else { return true }
      guard let slash = path.firstIndex(of: "/") else { return false }
      return ids.contains(String(path[..<slash]))
    }.mapValues(Self.removingLiveReload)
  }

  static func removingLiveReload(_ data: Data) -> Data {
    let tag = Data("<script src=\"/_runbook/live.js\"></script>\n".utf8)
    guard let range = data.range(of: tag, options: .backwards) else { return data }
    var copy = data
    copy.removeSubrange(range)
    return copy
  }

  public var pageCount: Int { files.keys.filter { $0.hasSuffix(".html") }.count }

  /// Whether `deployment`'s site is served and says it is of runbook `runbook` (its overview's
  /// `data-runbook`): the run record takes events for such sites only.
  public func serves(deployment: String, ofRunbook runbook: String) -> Bool {
    guard !deployment.isEmpty, !deployment.contains("/"), !runbook.contains("\""),
      let overview = files["\(deployment)/index.html"]
    else { return false }
    return overview.range(of: Data("data-runbook=\"\(runbook)\"".utf8)) != nil
  }

  /// Answers one request. `target` is the request line's path, as sent.
  public func respond(method: String, target: String, ifNoneMatch: String? = nil) -> HTTPResponse {
    guard method == "GET" || method == "HEAD" else {
      return HTTPResponse(
        status: 405, headers: ["Allow": "GET, HEAD", "Content-Type": "text/plain; charset=utf-8"],
        body: Data("Only GET and HEAD are served.\n".utf8))
    }
    if target == Self.errorsPath {
      let text = errors.map(\.description).joined(separator: "\n")
      return HTTPResponse(
        status: 200,
        headers: [
          "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store",
          "X-Content-Type-Options": "nosniff",
        ],
        body: method == "HEAD" ? Data() : Data(text.utf8))
    }
    guard let path = Self.sitePath(target) else {
      return HTTPResponse(
        status: 400, headers: ["Content-Type": "text/plain; charset=utf-8"],
        body: Data("That path leaves the site, or cannot be read.\n".utf8))
    }
    let file = path.isEmpty || path.hasSuffix("/") ? path + "index.html" : path
    if files[file] == nil, files[file + "/index.html"] != nil {
      // `/fabrikam` → `/fabrikam/`, so that the overview's relative links work.
      return HTTPResponse(
        status: 301, headers: ["Location": "/" + file + "/", "Content-Length": "0"])
    }
    guard let data = files[file], let etag = etags[file] else {
      // The 404 page shows a failed build's errors too: a page may be missing because of them.
      // The site's own 404 page when the build holds one; the errors of a failed build need
      // this server's page, which shows them.
      let page =
        errors.isEmpty
        ? files["404.html"] ?? Data(Self.notFoundPage(path).utf8)
        : Data(Self.notFoundPage(path, errors: errors).utf8)
      let body = liveReload ? Self.injectingLiveReload(into: page) : page
      return HTTPResponse(
        status: 404, headers: ["Content-Type": "text/html; charset=utf-8"],
        body: method == "HEAD" ? Data() : body)
    }
    var headers = [
      "Content-Type": Self.contentType(of: file), "ETag": etag, "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
    ]
    if let ifNoneMatch, Self.ifNoneMatch(ifNoneMatch, matches: etag) {
      return HTTPResponse(status: 304, headers: headers.filter { $0.key != "Content-Type" })
    }
    headers["Content-Length"] = String(data.count)
    return HTTPResponse(status: 200, headers: headers, body: method == "HEAD" ? Data() : data)
  }

  /// Whether an `If-None-Match` value names `etag`: a list of entity tags, strong (`"…"`) or
  /// weak (`W/"…"`), compared weakly as RFC 9110 asks for GET and HEAD; `*` names any.
  static func ifNoneMatch(_ value: String, matches etag: String) -> Bool {
    func opaque(_ tag: some StringProtocol) -> Substring {
      let trimmed = Substring(tag.trimmingCharacters(in: .whitespaces))
      return trimmed.hasPrefix("W/") ? trimmed.dropFirst(2) : trimmed
    }
    let wanted = opaque(etag)
    return value.split(separator: ",").contains { opaque($0) == wanted || opaque($0) == "*" }
  }

  /// The path inside the site, without the leading slash, decoded; nil when it would leave the
  /// site or is not a plain path: `..` or `.` segments (encoded or not), encoded slashes or
  /// backslashes, backslashes, NUL, bad percent-encoding.
  static func sitePath(_ target: String) -> String? {
    let path = target.prefix { $0 != "?" && $0 != "#" }
    guard path.hasPrefix("/"), !path.contains("\\"), !path.contains("\0") else { return nil }
    let lowered = path.lowercased()
    guard !lowered.contains("%2f"), !lowered.contains("%5c"), !lowered.contains("%00") else {
      return nil
    }
    guard let decoded = String(path).removingPercentEncoding, !decoded.contains("\\"),
      !decoded.contains("\0")
    else {
      return nil
    }
    let segments = decoded.split(separator: "/", omittingEmptySubsequences: true)
    guard !segments.contains(where: { $0 == ".." || $0 == "." }) else { return nil }
    let joined = segments.joined(separator: "/")
    return decoded.hasSuffix("/") && !joined.isEmpty ? joined + "/" : joined
  }

  static func contentType(of path: String) -> String {
    switch (path as NSString).pathExtension.lowercased() {
    case "html": return "text/html; charset=utf-8"
    case "css": return "text/css; charset=utf-8"
    case "js": return "text/javascript; charset=utf-8"
    case "png": return "image/png"
    case "svg": return "image/svg+xml"
    case "pdf": return "application/pdf"
    case "jpg", "jpeg": return "image/jpeg"
    case "gif": return "image/gif"
    case "json": return "application/json"
    case "txt": return "text/plain; charset=utf-8"
    default: return "application/octet-stream"
    }
  }

  /// The 404 page; with a failed build's diagnostics, HTML-escaped (a diagnostic may quote any
  /// text of the runbook's files), for a browser without the live-reload script.
  static func notFoundPage(_ path: String, errors: [Diagnostic] = []) -> String {
    let shown =
      errors.isEmpty
      ? ""
      : """
      <section id="runbook-build-errors"><h2>The last build failed</h2>
      <pre>\(errors.map(\.description).joined(separator: "\n").htmlEscaped)</pre></section>

      """
    return """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><title>Not found</title>
      <link rel="stylesheet" href="/assets/runbook.css"></head>
      <body><main><h1>Not found</h1><p><code>/\(path.htmlEscaped)</code> is not a page of these runbooks.</p>
      \(shown)<p><a href="/">All runbooks</a></p></main></body></html>

      """
  }

  // MARK: - Live reload

  public static let eventsPath = "/_runbook/events"
  static let errorsPath = "/_runbook/errors"
  static let liveScriptPath = "_runbook/live.js"

  static func injectingLiveReload(into data: Data) -> Data {
    let tag = Data("<script src=\"/_runbook/live.js\"></script>\n".utf8)
    guard let end = data.range(of: Data("</body>".utf8), options: .backwards) else {
      return data + tag
    }
    var copy = data
    copy.replaceSubrange(end.lowerBound..<end.lowerBound, with: tag)
    return copy
  }

  /// Reloads the page when a rebuild succeeds; shows a rebuild's errors over the page until the
  /// next good one; hands the shared run record's news to record.js. Served only by `runbook
  /// serve`, never written to Output/.
  static let liveScript = """
    // runbook serve: reload on rebuild, show a failed rebuild's errors over the page.
    (function () {
      "use strict";
      // Beyond this machine, the address serve printed carries the token that writes to the run
      // record take: kept for record.js on whichever page it opens, and taken out of the address
      // bar (and so of every Referer).
      var token = /[?&]token=([0-9a-f]{64})(&|$)/.exec(window.location.search);
      if (token) {
        try { window.localStorage.setItem("runbook:token", token[1]); } catch (e) { /* private mode */ }
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", window.location.pathname + window.location.hash);
        }
      }
      function overlay(text) {
        var box = document.getElementById("runbook-errors");
        if (!text) { if (box) box.remove(); return; }
        if (!box) {
          box = document.createElement("div");
          box.id = "runbook-errors";
          box.setAttribute("role", "alert");
          box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:1000;" +
            "background:#1f2328;color:#ffdcd7;font:13px/1.5 ui-monospace,monospace;padding:1rem 1.25rem;" +
            "border-top:4px solid #cf222e;white-space:pre-wrap";
          document.body.appendChild(box);
        }
        box.textContent = "runbook: the last rebuild failed; the pages are from the last good build.\\n\\n" + text;
      }
      function check() {
        fetch("/_runbook/errors", { cache: "no-store" }).then(function (r) { return r.text(); }).then(overlay, function () {});
      }
      var events = new EventSource("/_runbook/events");
      events.addEventListener("reload", function () { window.location.reload(); });
      events.addEventListener("errors", function (event) { overlay(JSON.parse(event.data)); });
      // The shared run record (record.js): others' ticks and notes, and a new connection (the
      // server restarted) after which the page syncs again.
      events.addEventListener("record", function (event) {
        window.dispatchEvent(new CustomEvent("runbook:server-record", { detail: JSON.parse(event.data) }));
      });
      events.addEventListener("open", function () { window.dispatchEvent(new Event("runbook:server-open")); });
      check();
    })();

    """
}
