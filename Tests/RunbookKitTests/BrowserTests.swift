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
    let (report, output) = try SiteTests.build()
    defer { try? FileManager.default.removeItem(at: output) }
    #expect(report.built == ["contoso", "fabrikam"])

    // Tick, reload, read back, open the other deployment and the overview, clear.
    let result = try ReaderBrowserTests.harness(
      """
      var log = [], page = "fabrikam/install-mim-service-portal/post-installation-tasks.html";
      var key = "install-mim-service-portal/post-installation-tasks/2";
      function text(selector) { return frame.contentDocument.querySelector(selector).textContent; }
      function box() { return frame.contentDocument.querySelector('input.verify-box[data-step="' + key + '"]'); }
      await open(page, 1280);
      log.push("before: " + box().checked + text("[data-progress]"));
      box().click();
      await open(page, 1280);
      log.push("after reload: " + box().checked + " " + box().closest(".step").classList.contains("is-verified") + text("[data-progress]"));
      await open("contoso/index.html", 1280);
      log.push("other deployment:" + text("[data-progress]"));
      await open("fabrikam/index.html", 1280);
      log.push("overview:" + text("[data-progress]") + " / " + text('[data-stage-progress="install-mim-service-portal/post-installation-tasks"]'));
      frame.contentWindow.confirm = function () { return true; };
      frame.contentDocument.querySelector("[data-reset]").click();
      log.push("cleared:" + text("[data-progress]") + " / " + text('[data-stage-progress="install-mim-service-portal/post-installation-tasks"]'));
      return log.join("\\n");
      """, in: output)
    #expect(
      result == """
        before: false · 0 of 30 verified
        after reload: true true · 1 of 30 verified
        other deployment: · 0 of 30 verified
        overview: · 1 of 30 verified / 1 of 4 verified
        cleared: · 0 of 30 verified / 0 of 4 verified
        """)
  }
}

/// The reader's side (#15) in a real browser: one harness page drives the built sites in iframes
/// of a given width and writes what it found into the page, which `--dump-dom` returns.
@Suite(.serialized) struct ReaderBrowserTests {
  /// Runs `script` (the body of an async function that returns a string) in a harness page at the
  /// top of `output`, beside the sites; returns what it returned.
  static func harness(_ script: String, in output: URL) throws -> String {
    let chromium = try #require(TestRunbook.executable("chromium"))
    let page = """
      <!doctype html><html><body><pre id="result">pending</pre>
      <script>
      function sleep(ms) { return new Promise(function (done) { setTimeout(done, ms); }); }
      var frame = null, loads = 0;
      // Opens `url` in a fresh iframe `width` px wide and waits for it (and its script).
      function open(url, width) {
        if (frame) frame.remove();
        frame = document.createElement("iframe");
        frame.style.width = width + "px";
        frame.style.height = "700px";
        loads = 0;
        var loaded = new Promise(function (done) {
          frame.onload = function () { loads += 1; if (loads === 1) done(); };
        });
        frame.src = url;
        document.body.appendChild(frame);
        return loaded.then(function () { return sleep(50); });
      }
      function key(target, name, extra) {
        var init = { key: name, bubbles: true, cancelable: true };
        Object.keys(extra || {}).forEach(function (k) { init[k] = extra[k]; });
        target.dispatchEvent(new frame.contentWindow.KeyboardEvent("keydown", init));
      }
      (async function () {
      \(script)
      })().then(function (text) { document.getElementById("result").textContent = text; },
        function (error) { document.getElementById("result").textContent = "error: " + error; });
      </script></body></html>
      """
    let url = output.appendingPathComponent("harness-\(UUID().uuidString).html")
    try page.write(to: url, atomically: true, encoding: .utf8)
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-chromium-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: profile) }
    let result = try run(
      chromium,
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
        "--user-data-dir=\(profile.path)", "--virtual-time-budget=120000", "--dump-dom",
        url.absoluteString,
      ])
    #expect(result.status == 0)
    let start = try #require(result.output.range(of: "<pre id=\"result\">"))
    let end = try #require(
      result.output.range(of: "</pre>", range: start.upperBound..<result.output.endIndex))
    return String(result.output[start.upperBound..<end.lowerBound])
      .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
  }

  /// The project's sites and the whole series, built side by side into one folder.
  static func buildSites() throws -> URL {
    let (report, output) = try SiteTests.build()
    #expect(report.built == ["contoso", "fabrikam"])
    let series = SiteBuilder(
      options: BuildOptions(location: SeriesTests.location, buildDate: "2026-01-01")
    ).build(into: OutputWriter(folder: output.appendingPathComponent("series")))
    #expect(series.built == ["fabrikam-mim"])
    // The project's two other runbooks, from the MIMDocs pages of the test corpus.
    for name in ["gcsv", "custom-mfa"] {
      let location = RunbookLocation(
        root: repositoryRoot, definition: "Content/\(name).yml",
        source: fixtures.appendingPathComponent("corpus/mimdocs").path)
      let report = SiteBuilder(options: BuildOptions(location: location, buildDate: "2026-01-01"))
        .build(into: OutputWriter(folder: output.appendingPathComponent(name)))
      #expect(report.built == ["northwind"], "\(name)")
    }
    return output
  }

  static let chromiumInstalled = TestRunbook.executable("chromium") != nil

  /// Every page `buildSites()` wrote, less contoso's: they are fabrikam's with other values.
  static func pages(in output: URL) -> [String] {
    SiteTests.files(in: output).filter {
      $0.hasSuffix(".html") && !$0.hasPrefix("contoso/") && !$0.hasPrefix("series/contoso/")
    }
  }

  @Test(.enabled(if: chromiumInstalled, "chromium is not installed (scripts/setup --test)"))
  func stageListCopyAndKeys() throws {
    let output = try Self.buildSites()
    defer { try? FileManager.default.removeItem(at: output) }
    let result = try Self.harness(
      """
      var log = [];
      // The stage list marks this stage, and the script fills in each stage's progress.
      await open("fabrikam/install-mim-service-portal/configure-mim-service-and-portal-for-installation.html", 1280);
      var doc = frame.contentDocument, win = frame.contentWindow;
      var current = doc.querySelectorAll('.stage-list [aria-current="page"]');
      log.push("current: " + current.length + " " + (current[0].href === win.location.href) + " " + current[0].textContent);
      log.push("progress: " + current[0].parentNode.querySelector(".stage-progress").textContent);
      log.push("menu open at 1280: " + doc.querySelector(".stage-menu").open);
      // A value takes the focus and then shows its name; the skip link is the first stop.
      var value = doc.querySelector("main .step-body .value");
      value.focus();
      log.push("value: tabindex " + value.getAttribute("tabindex") + ", focused " + (doc.activeElement === value) + ", shows " + win.getComputedStyle(value, "::after").content);
      var first = doc.querySelector("a[href], button:not([hidden]), input, [tabindex]");
      log.push("first stop: " + first.className + " " + first.getAttribute("href") + " -> " + doc.querySelector(first.getAttribute("href")).tagName);

      // Copy: a block holding a secret asks for the password and copies it in place of the reference.
      await open("series/fabrikam-mim/preparing-domain/create-user-accounts-and-groups.html", 390);
      doc = frame.contentDocument; win = frame.contentWindow;
      var written = [], answer = null, asked = [];
      Object.defineProperty(win.navigator, "clipboard", { configurable: true,
        value: { writeText: function (text) { written.push(text); return Promise.resolve(); } } });
      win.prompt = function (message) { asked.push(message); return answer; };
      var secretPre = Array.prototype.find.call(doc.querySelectorAll("main pre"), function (pre) { return pre.querySelector(".value.secret"); });
      var secretButton = secretPre.parentNode.querySelector(".copy-button");
      var reference = secretPre.querySelector(".value.secret").textContent;
      log.push("secret button: " + secretButton.textContent + "; reference: " + reference);
      answer = null;
      secretButton.click();
      await sleep(20);
      log.push("cancelled: " + written.length + " copied, status " + secretPre.parentNode.querySelector(".copy-status").textContent);
      answer = "Tr0ub4dor&3-test";
      secretButton.click();
      await sleep(20);
      log.push("answered: " + written.length + " copied; holds the password " + written[0].includes('ConvertTo-SecureString "Tr0ub4dor&3-test" -asplaintext') +
        "; holds the reference " + written[0].includes(reference) + "; badge text " + /secret ref/i.test(written[0]) +
        "; exactly the block with the password " + (written[0] === secretPre.textContent.split(reference).join(answer)));
      log.push("asked: " + asked.length + " " + asked[0]);
      var plainPre = Array.prototype.find.call(doc.querySelectorAll("main pre"), function (pre) { return !pre.querySelector(".value.secret"); });
      plainPre.parentNode.querySelector(".copy-button").click();
      await sleep(20);
      log.push("plain block: " + (written[1] === plainPre.textContent) + ", asked " + asked.length + ", text " + JSON.stringify(written[1].slice(0, 40)));

      // Keys: nothing inside a code block that scrolls; next and previous outside it.
      log.push("scrolling pre takes the focus: " + secretPre.getAttribute("tabindex"));
      var before = win.location.href;
      secretPre.focus();
      ["ArrowRight", "n", "j", "ArrowLeft", "p", "?"].forEach(function (name) { key(secretPre, name); });
      await sleep(500);
      log.push("in code: loads " + loads + ", same page " + (win.location.href === before) + ", focus " + doc.activeElement.tagName + ", sheet " + doc.getElementById("key-sheet").open);
      doc.activeElement.blur();
      key(doc.body, "n", { ctrlKey: true });
      key(doc.body, "j", { altKey: true });
      await sleep(500);
      log.push("with a modifier: loads " + loads + ", focus " + doc.activeElement.tagName);
      key(doc.body, "j");
      // From the top of the window (the code block above scrolled step 2 into view): the next step below.
      log.push("j: " + doc.activeElement.className + " of " + doc.activeElement.closest("li.step").id);
      key(doc.body, "j");
      log.push("j: " + doc.activeElement.closest("li.step").id);
      key(doc.body, "k");
      log.push("k: " + doc.activeElement.closest("li.step").id);
      key(doc.body, "?");
      log.push("?: sheet " + doc.getElementById("key-sheet").open);
      doc.getElementById("key-sheet").close();
      var next = new Promise(function (done) { frame.onload = function () { done(frame.contentWindow.location.pathname.split("/").slice(-2).join("/")); }; });
      key(doc.body, "n");
      log.push("n: " + await next);
      return log.join("\\n");
      """, in: output)
    #expect(
      result == """
        current: 1 true Configure MIM Service and Portal for installation
        progress: 0 of 16 verified
        menu open at 1280: true
        value: tabindex 0, focused true, shows "mim_server"
        first stop: skip-link #main -> MAIN
        secret button: Copy with password; reference: vault://kv/mim/service-accounts
        cancelled: 0 copied, status Not copied
        answered: 1 copied; holds the password true; holds the reference false; badge text false; exactly the block with the password true
        asked: 2 Password for service_password, kept at vault://kv/mim/service-accounts (used for this copy only, never stored):
        plain block: true, asked 2, text "New-ADGroup -name GG-MIMSync-Admins -Gro"
        scrolling pre takes the focus: 0
        in code: loads 1, same page true, focus PRE, sheet false
        with a modifier: loads 1, focus BODY
        j: step-number of step-3
        j: step-4
        k: step-3
        ?: sheet true
        n: prepare-server-ws2016/join-windows-server-2016-to-your-domain.html
        """)
  }

  /// Search works from file://: its index is search.html itself, built with the site.
  // #14: the site kept ticks in one browser profile and nothing else: no name, no time shown, no
  // note, no way to continue where the operator stopped, nothing on paper, nothing to carry.
  @Test(.enabled(if: chromiumInstalled, "chromium is not installed (scripts/setup --test)"))
  func theRunIsRecordedContinuedCarriedAndPrinted() throws {
    let output = try Self.buildSites()
    defer { try? FileManager.default.removeItem(at: output) }
    let result = try Self.harness(
      """
      var log = [];
      var stage2 = "fabrikam/install-mim-service-portal/configure-mim-service-and-portal-for-installation.html";
      await open(stage2, 1280);
      var doc = frame.contentDocument, win = frame.contentWindow;
      // The first tick asks for a name beside the step, without stopping the page.
      doc.querySelector("#step-1 input.verify-box").click();
      var form = doc.querySelector("#step-1 .operator-form");
      log.push("asked beside step 1: " + (form !== null) + "; line: " + doc.querySelector("#step-1 .record-line").textContent.replace(/[0-9]{2}:[0-9]{2}$/, "HH:MM"));
      form.querySelector("input").value = "Ada Lovelace";
      form.querySelector("button").click();
      ["2", "3"].forEach(function (n) { doc.querySelector("#step-" + n + " input.verify-box").click(); });
      log.push("asked again: " + (doc.querySelector(".operator-form") !== null) + "; step 1: " + doc.querySelector("#step-1 .record-line").textContent.replace(/[0-9]{2}:[0-9]{2}$/, "HH:MM"));
      log.push("collapsed: " + doc.querySelector("#step-1").classList.contains("is-collapsed") + ", current: " + doc.querySelector('[aria-current="step"]').id);
      log.push("progress:" + doc.querySelector("[data-progress]").textContent + doc.querySelector("[data-stage-own-progress]").textContent);
      var go = doc.querySelector("[data-continue]");
      log.push("continue: " + go.textContent + " " + go.getAttribute("href"));
      var note = doc.querySelector("#step-3 .record-note textarea");
      note.value = "Ticket CHG-1042 <b>ok</b>";
      note.dispatchEvent(new win.Event("change", { bubbles: true }));
      // A click on a folded step's first line opens it.
      doc.querySelector("#step-1 .step-body > p").click();
      log.push("opened: " + doc.querySelector("#step-1").classList.contains("is-expanded"));

      await open("fabrikam/index.html", 1280);
      doc = frame.contentDocument; win = frame.contentWindow;
      go = doc.querySelector("[data-continue]");
      log.push("overview: " + go.textContent + " " + go.getAttribute("href") + "; operator " + doc.querySelector("[data-operator]").textContent);
      var record = win.runbookRecord.exportRecord();
      log.push("export: " + record.schema + " v" + record.version + " " + record.deployment + " " + record.events.map(function (e) { return e.type + " " + e.step.split("/").pop() + " " + e.operator; }).join(", "));
      // Another machine: an empty record, then the import, twice (a union, not a copy).
      win.confirm = function () { return true; };
      doc.querySelector("[data-reset]").click();
      log.push("cleared:" + doc.querySelector("[data-progress]").textContent);
      log.push(win.runbookRecord.importRecord(JSON.stringify(record)) + " " + win.runbookRecord.importRecord(JSON.stringify(record)) + doc.querySelector("[data-progress]").textContent);
      log.push(win.runbookRecord.importRecord('{"schema":"runbook-record","version":1,"runbook":"x","deployment":"contoso","events":[]}'));
      // Bob unticked step 1 in the same second as Ada ticked it: a conflict for a person.
      var tick = record.events[0];
      var bob = { schema: "runbook-record", version: 1, runbook: record.runbook, deployment: record.deployment,
        events: [{ type: "untick", step: tick.step, operator: "Bob", time: tick.time.slice(0, 19) + ".999Z" }] };
      log.push(win.runbookRecord.importRecord(JSON.stringify(bob)));
      await open(stage2, 1280);
      doc = frame.contentDocument;
      log.push("conflict: " + doc.querySelector("#step-1 .record-line").textContent.replace(/[0-9]{2}:[0-9]{2}\\./, "HH:MM."));
      log.push("note: " + doc.querySelector("#step-3 .record-note summary").textContent.replace(/[0-9]{2}:[0-9]{2}/, "HH:MM") + " = " + doc.querySelector("#step-3 .record-note textarea").value);

      await open("fabrikam/print.html", 1280);
      doc = frame.contentDocument;
      var printed = doc.querySelector('[data-print-step$="/configure-mim-service-and-portal-for-installation/2"]');
      log.push("print: " + printed.querySelector(".done-by-name").textContent + " / " + printed.querySelector(".done-by-date").textContent.replace(/^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$/, "YYYY-MM-DD HH:MM")
        + " / " + doc.querySelector('[data-print-step$="/configure-mim-service-and-portal-for-installation/3"] .done-note').textContent
        + " / empty: '" + doc.querySelector('[data-print-step$="/configure-mim-service-and-portal-for-installation/4"] .done-by-name').textContent + "'");
      return log.join("\\n");
      """, in: output)
    #expect(
      result == """
        asked beside step 1: true; line: Done by an unnamed operator, HH:MM
        asked again: false; step 1: Done by Ada Lovelace, HH:MM
        collapsed: true, current: step-4
        progress: · 3 of 30 verified · this stage 3 of 16
        continue: Continue: step 4 → ../install-mim-service-portal/configure-mim-service-and-portal-for-installation.html#step-4
        opened: true
        overview: Continue: step 4 → install-mim-service-portal/configure-mim-service-and-portal-for-installation.html#step-4; operator Ada Lovelace
        export: runbook-record v2 fabrikam tick 1 Ada Lovelace, tick 2 Ada Lovelace, tick 3 Ada Lovelace, note 3 Ada Lovelace
        cleared: · 0 of 30 verified
        Imported 4 events. Imported 0 events. · 3 of 30 verified
        That record is of contoso (x), not of this deployment.
        Imported 1 event.
        conflict: Conflict: Ada Lovelace and Bob both changed this step at HH:MM. Tick or untick it to settle.
        note: Note (Ada Lovelace, HH:MM) = Ticket CHG-1042 <b>ok</b>
        print: Ada Lovelace / YYYY-MM-DD HH:MM / Note: Ticket CHG-1042 <b>ok</b> / empty: ''
        """)
  }

  @Test(.enabled(if: chromiumInstalled, "chromium is not installed (scripts/setup --test)"))
  func searchFindsAStepByADeploymentValue() throws {
    let (_, output) = try SiteTests.build()
    defer { try? FileManager.default.removeItem(at: output) }
    let result = try Self.harness(
      """
      var log = [];
      function shown(doc) {
        return Array.prototype.filter.call(doc.querySelectorAll("[data-search-results] > li"), function (entry) { return !entry.hidden; })
          .map(function (entry) { return entry.querySelector("a").getAttribute("href"); });
      }
      await open("fabrikam/search.html?q=IDM01", 390);
      var doc = frame.contentDocument;
      log.push(doc.querySelector("[data-search-status]").textContent);
      log.push(shown(doc).join("\\n"));
      var input = doc.querySelector("[data-search-input]");
      input.value = "idm01 firewall";
      input.dispatchEvent(new frame.contentWindow.Event("input"));
      log.push(doc.querySelector("[data-search-status]").textContent + " " + shown(doc).join(" "));
      await open("contoso/search.html?q=IDM01", 390);
      log.push("contoso: " + frame.contentDocument.querySelector("[data-search-status]").textContent);
      return log.join("\\n");
      """, in: output)
    #expect(
      result == """
        8 results for IDM01.
        install-mim-service-portal/before-you-begin.html#step-1
        install-mim-service-portal/configure-mim-service-and-portal-for-installation.html#step-2
        install-mim-service-portal/configure-mim-service-and-portal-for-installation.html#step-12
        install-mim-service-portal/configure-mim-service-and-portal-for-installation.html#step-16
        install-mim-service-portal/configure-mim-password-registration-portal.html#step-1
        install-mim-service-portal/configure-mim-password-reset-portal.html#step-1
        install-mim-service-portal/install-mim-service-and-portal.html#step-1
        index.html#values
        1 result for idm01 firewall. install-mim-service-portal/configure-mim-service-and-portal-for-installation.html#step-16
        contoso: 0 results for IDM01.
        """)
  }

  /// Ctrl+P on a stage page prints its steps, without the header, the stage list, the pager, the
  /// footer or any button.
  @Test(
    .enabled(
      if: chromiumInstalled && TestRunbook.executable("pdftotext") != nil,
      "chromium or pdftotext is not installed (scripts/setup --test)"))
  func aStagePagePrintsItsStepsOnly() throws {
    let (_, output) = try SiteTests.build()
    defer { try? FileManager.default.removeItem(at: output) }
    let chromium = try #require(TestRunbook.executable("chromium"))
    let pdftotext = try #require(TestRunbook.executable("pdftotext"))
    let page = output.appendingPathComponent(
      "fabrikam/install-mim-service-portal/configure-mim-service-and-portal-for-installation.html")
    let pdf = output.appendingPathComponent("stage.pdf")
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-chromium-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: profile) }
    _ = try run(
      chromium,
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
        "--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", page.absoluteString,
      ])
    let text = try run(pdftotext, ["-layout", pdf.path, "-"]).output
    #expect(text.contains("Configure MIM Service and Portal for"))
    #expect(text.components(separatedBy: "Verify").count - 1 == 16)
    for left in [
      "Print / PDF", "Stages and steps", "Runbooks", "Next stage", "Previous stage", "Built 2026",
      "Keys", "Copy", "Skip to", "JavaScript",
    ] {
      #expect(!text.contains(left), "the printed stage shows '\(left)'")
    }
  }

  /// No page is wider than the screen: tables and code scroll in their own box, long words wrap.
  @Test(.enabled(if: chromiumInstalled, "chromium is not installed (scripts/setup --test)"))
  func noPageOverflowsAt320390Or1280Pixels() throws {
    let output = try Self.buildSites()
    defer { try? FileManager.default.removeItem(at: output) }
    let pages = Self.pages(in: output)
    #expect(pages.count == 61)
    let list = pages.map { "\"\($0)\"" }.joined(separator: ", ")
    let result = try Self.harness(
      """
      var pages = [\(list)], wide = [];
      for (var i = 0; i < pages.length; i += 1) {
        for (var width of [320, 390, 1280]) {
          await open(pages[i], width);
          var doc = frame.contentDocument, win = frame.contentWindow;
          if (doc.documentElement.scrollWidth > win.innerWidth) {
            var culprit = Array.prototype.filter.call(doc.querySelectorAll("body *"), function (element) {
              return element.getBoundingClientRect().right > win.innerWidth + 1;
            }).map(function (element) { return element.tagName + "." + element.className; }).slice(0, 3);
            wide.push(pages[i] + " at " + width + ": " + doc.documentElement.scrollWidth + " " + culprit.join(" "));
          }
        }
      }
      return "checked " + pages.length * 3 + "\\n" + wide.join("\\n");
      """, in: output)
    #expect(result == "checked 183\n")
  }
}
