import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookKit

/// axe-core 4.12.1 (vendored in `Tests/Fixtures/axe`, see its SOURCE.txt) over every page of the
/// project's runbooks, the whole series included, in a headless Chromium driven over the DevTools
/// protocol, once in the light scheme at a desk's width and once in the dark at a phone's.
@Suite(.serialized) struct AccessibilityTests {
  // Regression test for #18: axe reported dlitem on the overview, landmark-one-main and region on
  // print.html, scrollable-region-focusable and heading-order on series pages, and color-contrast
  // in the dark scheme.
  @Test(
    .enabled(
      if: ReaderBrowserTests.chromiumInstalled,
      "chromium is not installed (scripts/setup --test)"))
  func axeFindsNothingOnAnyPageInEitherScheme() throws {
    let output = try ReaderBrowserTests.buildSites()
    defer { try? FileManager.default.removeItem(at: output) }
    let pages = ReaderBrowserTests.pages(in: output)
    // Every kind: the sites lists, overviews, stage and reference pages, print, search, 404.
    #expect(pages.count == 61)
    for kind in [
      "index.html", "404.html", "fabrikam/index.html", "fabrikam/print.html",
      "fabrikam/search.html",
      "fabrikam/install-mim-service-portal/configure-mim-service-and-portal-for-installation.html",
      "series/fabrikam-mim/index.html", "series/fabrikam-mim/print.html",
      "series/fabrikam-mim/install-mim-sync-ad-service/create-run-profiles.html",
    ] {
      #expect(pages.contains(kind), "\(kind)")
    }
    let axe = try String(
      contentsOf: fixtures.appendingPathComponent("axe/axe.min.js"), encoding: .utf8)
    #expect(axe.hasPrefix("/*! axe v4.12.1\n"))

    let browser = try BrowserSession(
      browser: URL(fileURLWithPath: try #require(TestRunbook.executable("chromium"))))
    let target = try browser.call("Target.createTarget", ["url": "about:blank"])
    let tab = try browser.call(
      "Target.attachToTarget", ["targetId": target["targetId"] ?? "", "flatten": true])
    let session = try #require(tab["sessionId"] as? String)
    try browser.call("Page.enable", session: session)
    try browser.call("Page.addScriptToEvaluateOnNewDocument", ["source": axe], session: session)

    var violations: [String] = []
    // Colours depend on the scheme, boxes that scroll on the width: a desk in the light, a phone
    // in the dark.
    for (scheme, width) in [("light", 1280), ("dark", 390)] {
      try browser.call(
        "Emulation.setEmulatedMedia",
        ["features": [["name": "prefers-color-scheme", "value": scheme]]], session: session)
      try browser.call(
        "Emulation.setDeviceMetricsOverride",
        ["width": width, "height": 800, "deviceScaleFactor": 1, "mobile": false],
        session: session)
      for page in pages {
        try browser.load(output.appendingPathComponent(page), session: session)
        // Each violation as its rule and the elements it found, one line each; a line too if
        // the page does not see the scheme asked for.
        let found = try browser.call(
          "Runtime.evaluate",
          [
            "expression": """
            axe.run(document, { resultTypes: ["violations"] }).then(function (result) {
              var scheme = matchMedia("(prefers-color-scheme: \(scheme))").matches
                && innerWidth === \(width) ? [] : ["the page is not \(width) px wide in the \(scheme) scheme"];
              return scheme.concat(result.violations.map(function (violation) {
                return violation.id + ": " + violation.nodes.map(function (node) {
                  return node.target.join(" ");
                }).join(", ");
              }));
            })
            """,
            "awaitPromise": true, "returnByValue": true,
          ], session: session)
        let value = (found["result"] as? [String: Any])?["value"]
        guard let lines = value as? [String] else {
          violations.append("\(page) (\(scheme)): axe did not run: \(found)")
          continue
        }
        violations += lines.map { "\(page) (\(scheme)): \($0)" }
      }
    }
    #expect(violations == [], "\(violations.joined(separator: "\n"))")
  }
}

extension BrowserSession {
  /// Sends a command and waits for its answer, passing over events; the answer's `result`.
  @discardableResult
  func call(_ method: String, _ params: [String: Any] = [:], session: String? = nil)
    throws(Failure) -> [String: Any]
  {
    let id = try send(method, params, session: session)
    while true {
      let message = try receive()
      guard message["id"] as? Int == id else { continue }
      if let error = message["error"] { throw Failure(description: "\(method): \(error)") }
      return message["result"] as? [String: Any] ?? [:]
    }
  }

  /// Opens `page` in the tab of `session` and waits for its load event.
  func load(_ page: URL, session: String) throws(Failure) {
    let id = try send("Page.navigate", ["url": page.absoluteString], session: session)
    var answered = false
    var loaded = false
    while !(answered && loaded) {
      let message = try receive()
      if message["id"] as? Int == id {
        if let error = message["error"] { throw Failure(description: "\(page): \(error)") }
        answered = true
      } else if message["method"] as? String == "Page.loadEventFired",
        message["sessionId"] as? String == session
      {
        loaded = true
      }
    }
  }
}
