import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookKit

/// Runs a command and returns its standard output; stderr is dropped (Chromium is noisy there).
func run(_ command: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: command)
  process.arguments = arguments
  let out = Pipe()
  process.standardOutput = out
  process.standardError = FileHandle.nullDevice
  try process.run()
  let data = out.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The tick boxes' script, run by a real browser: ticks survive a reload, progress counts them,
/// the overview shows them and can clear them.
@Suite(.serialized) struct BrowserTests {
  @Test(
    .enabled(
      if: TestRunbook.executable("chromium") != nil,
      "chromium is not installed (scripts/setup --test installs it)"))
  func ticksPersistAcrossReloadsAndCanBeCleared() throws {
    let chromium = try #require(TestRunbook.executable("chromium"))
    let (report, output) = try SiteTests.build()
    defer { try? FileManager.default.removeItem(at: output) }
    #expect(report.built == ["contoso", "fabrikam"])

    // A harness page drives the site in an iframe: tick, reload, read back, open the overview, clear.
    let harness = """
      <!doctype html><html><body><pre id="result">pending</pre>
      <iframe id="frame" src="fabrikam/install-mim-service-portal/post-installation-tasks.html"></iframe>
      <script>
      var frame = document.getElementById("frame"), phase = 0, log = [];
      var key = "install-mim-service-portal/post-installation-tasks/2";
      function text(doc, selector) { return doc.querySelector(selector).textContent; }
      frame.onload = function () {
        var doc = frame.contentDocument;
        if (phase === 0) {
          var box = doc.querySelector('input.verify-box[data-step="' + key + '"]');
          log.push("before: " + box.checked + text(doc, "[data-progress]"));
          box.click();
          phase = 1;
          frame.contentWindow.location.reload();
        } else if (phase === 1) {
          var box = doc.querySelector('input.verify-box[data-step="' + key + '"]');
          log.push("after reload: " + box.checked + " " + box.closest(".step").classList.contains("is-verified") + text(doc, "[data-progress]"));
          phase = 2;
          frame.src = "contoso/index.html";
        } else if (phase === 2) {
          log.push("other deployment:" + text(doc, "[data-progress]"));
          phase = 3;
          frame.src = "fabrikam/index.html";
        } else if (phase === 3) {
          log.push("overview:" + text(doc, "[data-progress]") + " / " + text(doc, '[data-stage-progress="install-mim-service-portal/post-installation-tasks"]'));
          frame.contentWindow.confirm = function () { return true; };
          doc.querySelector("[data-reset]").click();
          log.push("cleared:" + text(doc, "[data-progress]") + " / " + text(doc, '[data-stage-progress="install-mim-service-portal/post-installation-tasks"]'));
          document.getElementById("result").textContent = log.join("\\n");
        }
      };
      </script></body></html>
      """
    let page = output.appendingPathComponent("harness.html")
    try harness.write(to: page, atomically: true, encoding: .utf8)
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-chromium-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: profile) }
    let result = try run(
      chromium,
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
        "--user-data-dir=\(profile.path)", "--virtual-time-budget=20000", "--dump-dom",
        page.absoluteString,
      ])
    #expect(result.status == 0)
    let start = try #require(result.output.range(of: "<pre id=\"result\">"))
    let end = try #require(
      result.output.range(of: "</pre>", range: start.upperBound..<result.output.endIndex))
    #expect(
      String(result.output[start.upperBound..<end.lowerBound]) == """
        before: false · 0 of 30 verified
        after reload: true true · 1 of 30 verified
        other deployment: · 0 of 30 verified
        overview: · 1 of 30 verified / 1 of 4 verified
        cleared: · 0 of 30 verified / 0 of 4 verified
        """)
  }
}
