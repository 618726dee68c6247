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
    let tab = try browser.openPage(try #require(URL(string: "about:blank")))
    let session = tab.session
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
        try browser.load(output.appendingPathComponent(page), in: tab)
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
