import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookKit
@testable import RunbookRecord
@testable import RunbookServe

/// The shared record as two operators meet it (issue #14), in two headless Chromiums with their
/// own profiles, driven over the DevTools protocol: a tick in one page shows in the other, the
/// record outlives the server, and the PDF printed from it names who did what and when.
@Suite(.serialized) struct RecordBrowserTests {
  static let chromium = PDFPrinter.findBrowser()
  static let stage = "install-mim-service-portal/configure-mim-service-and-portal-for-installation"

  /// Evaluates `expression` until it gives `expected`, for at most 15 s; what it gave last.
  static func wait(
    for expected: String, _ expression: String, in browser: BrowserSession,
    page: BrowserSession.Page
  ) throws -> String {
    var last = ""
    let deadline = Date().addingTimeInterval(15)
    while Date() < deadline {
      last = try browser.evaluate(expression, in: page) as? String ?? ""
      if last == expected { break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return last
  }

  @Test(
    .enabled(
      if: chromium != nil && TestRunbook.executable("pdftotext") != nil,
      "chromium or pdftotext is not installed (scripts/setup --test)"))
  func aTickInOneBrowserShowsInAnotherOutlivesTheServerAndIsPrinted() throws {
    let root = try TestRunbook.copy(output: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let chromium = try #require(Self.chromium)
    let location = RunbookLocation(root: root)
    var server = LiveServer(
      session: ServeSession(location: location),
      record: RecordService(store: RecordStore(root: root), token: nil))
    var port = try server.start(host: "127.0.0.1", port: 0)
    let base = "http://127.0.0.1:\(port)/fabrikam/"
    let shared = "document.querySelector('[data-share-status]').textContent"

    // Bo watches the overview; Ann works on stage 2. Each has a browser of their own.
    let bo = try BrowserSession(browser: chromium)
    let overview = try bo.openPage(try #require(URL(string: base)))
    #expect(
      try Self.wait(for: "Shared through runbook serve.", shared, in: bo, page: overview)
        == "Shared through runbook serve.")
    let progress = "document.querySelector('[data-stage-progress=\"\(Self.stage)\"]').textContent"
    #expect(try bo.evaluate(progress, in: overview) as? String == "0 of 16 verified")

    let ann = try BrowserSession(browser: chromium)
    let page = try ann.openPage(try #require(URL(string: base + "\(Self.stage).html")))
    _ = try ann.evaluate("localStorage.setItem('runbook:operator', 'Ann Operator')", in: page)
    #expect(
      try Self.wait(for: "Shared through runbook serve.", shared, in: ann, page: page)
        == "Shared through runbook serve.")
    let step = "document.querySelector('input.verify-box[data-step=\"\(Self.stage)/2\"]')"
    _ = try ann.evaluate(
      """
      (function () {
        \(step).click();
        var field = \(step).closest('.step').querySelector('.record-note textarea');
        field.value = 'CHG0042: the licence page showed';
        field.dispatchEvent(new Event('change', { bubbles: true }));
        return true;
      })()
      """, in: page)

    // Bo's overview counts it, with no reload.
    #expect(
      try Self.wait(for: "1 of 16 verified", progress, in: bo, page: overview)
        == "1 of 16 verified")

    // The page sends its events one after another: the note follows the tick once the tick is
    // answered. Both are answered (so committed) before the server stops; then it starts again
    // and the record is still there.
    let sent = ["tick \(Self.stage)/2 Ann Operator", "note \(Self.stage)/2 Ann Operator"]
    let written = RecordStore(root: root)
    #expect(try Self.serverRecord(sent, in: written) == sent)
    written.close()
    server.stop()
    server = LiveServer(
      session: ServeSession(location: location),
      record: RecordService(store: RecordStore(root: root), token: nil))
    port = try server.start(host: "127.0.0.1", port: 0)
    defer { server.stop() }
    let answer = LoopbackClient(port: port).get(
      "/_runbook/record?runbook=install-mim-2016-service-and-portal&deployment=fabrikam")
    let body = try #require(answer.range(of: "\r\n\r\n")).upperBound
    let record = try JSONDecoder().decode(
      RecordFile.self, from: Data(answer[body...].utf8))
    #expect(
      record.events.map { "\($0.type) \($0.step) \($0.operator) \($0.text)" } == [
        "tick \(Self.stage)/2 Ann Operator ",
        "note \(Self.stage)/2 Ann Operator CHG0042: the licence page showed",
      ])
    #expect(record.events.allSatisfy { $0.source == "4610f428daed2d63" })

    // Exported and printed: the change record names Ann and the time on step 2.
    let exported = root.appendingPathComponent("fabrikam-record.json")
    try record.encoded().write(to: exported)
    let events = try RecordFile.read(
      exported, display: "fabrikam-record.json", runbook: record.runbook, deployment: "fabrikam"
    ).events
    let output = root.appendingPathComponent("Output")
    let report = SiteBuilder(
      options: BuildOptions(
        location: location,
        deploymentFiles: [
          root.appendingPathComponent("Content/deployments/fabrikam.yml").path
        ])
    ).build(into: OutputWriter(folder: output))
    #expect(report.built == ["fabrikam"])
    let pdf = try PDFPrinter.printSites(
      ["fabrikam"], in: output, records: ["fabrikam": events], display: { $0.path }
    )[0]
    let text = try Self.pdftotext(pdf)
    let tick = try #require(RecordTime.date(events[0].time))
    let shown = DateFormatter()
    shown.dateFormat = "yyyy-MM-dd HH:mm"
    shown.timeZone = .current
    let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(flat.contains("Step 2 "))
    #expect(flat.contains("Done by Ann Operator Date \(shown.string(from: tick))"))
    #expect(flat.contains("Note: CHG0042: the licence page showed"))
    #expect(flat.contains("Recorded: 1 of 30 steps done; not done:"))
    #expect(flat.contains("Stage 1, step 1: This guide is intended for installing Volume License"))
    #expect(!flat.contains("Stage 2, step 2:"))
  }

  // The runbook's text changed under a record: a tick of a step whose source is not the one
  // ticked shows so and does not count; other ticks stand. From file://, no server.
  @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/setup --test)"))
  func aTickOfAStepWhoseTextChangedDoesNotCount() throws {
    let root = try TestRunbook.copy(output: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let output = root.appendingPathComponent("Output")
    _ = SiteBuilder(options: BuildOptions(location: RunbookLocation(root: root)))
      .build(into: OutputWriter(folder: output))
    let browser = try BrowserSession(browser: try #require(Self.chromium))
    let page = try browser.openPage(
      output.appendingPathComponent("fabrikam/\(Self.stage).html"))
    // Step 2 was ticked when its text was another; step 3 as it is now.
    let events = """
      [{"type":"tick","step":"\(Self.stage)/2","source":"0000000000000000","operator":"Ann","time":"2026-01-15T14:05:00.000Z","text":""},
       {"type":"tick","step":"\(Self.stage)/3","source":"1b38571336113c29","operator":"Ann","time":"2026-01-15T14:06:00.000Z","text":""}]
      """
    _ = try browser.evaluate(
      "localStorage.setItem('runbook:install-mim-2016-service-and-portal:fabrikam:events', JSON.stringify(\(events))); location.reload(); true",
      in: page)
    try browser.waitFor("Page.loadEventFired", session: page.session)
    let line = { (number: Int) in
      "document.querySelector('input.verify-box[data-step=\"\(Self.stage)/\(number)\"]').closest('.step').querySelector('.record-line').textContent"
    }
    #expect(
      try browser.evaluate(line(2), in: page) as? String
        == "Changed since ticked by Ann, 2026-01-15 \(Self.clock("2026-01-15T14:05:00.000Z")): the step's text is not the one ticked. Check it again and tick it."
    )
    #expect(
      try browser.evaluate(line(3), in: page) as? String
        == "Done by Ann, 2026-01-15 \(Self.clock("2026-01-15T14:06:00.000Z"))")
    #expect(
      try browser.evaluate(
        "document.querySelector('[data-stage-own-progress]').textContent", in: page) as? String
        == " · this stage 1 of 16")
    #expect(
      try browser.evaluate(
        "[2, 3].map(function (n) { return document.querySelector('input.verify-box[data-step$=\"/' + n + '\"]').checked; }).join()",
        in: page) as? String == "false,true")
  }

  /// A served copy of the runbook: its root, its store, the server and its address.
  static func served(token: String? = nil) throws -> (
    root: URL, store: RecordStore, server: LiveServer, base: String
  ) {
    let root = try TestRunbook.copy(output: true)
    let store = RecordStore(root: root)
    let server = LiveServer(
      session: ServeSession(location: RunbookLocation(root: root)),
      record: RecordService(store: store, token: token))
    let port = try server.start(host: "127.0.0.1", port: 0)
    return (root, store, server, "http://127.0.0.1:\(port)/fabrikam/")
  }

  /// The server's record as `type step operator` lines, once it is `expected` (or after 15 s).
  static func serverRecord(_ expected: [String], in store: RecordStore) throws -> [String] {
    var last: [String] = []
    let deadline = Date().addingTimeInterval(15)
    while Date() < deadline {
      last = try store.events(
        runbook: "install-mim-2016-service-and-portal", deployment: "fabrikam"
      )
      .map { "\($0.type) \($0.step) \($0.operator)" }
      if last == expected { break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return last
  }

  static let shared = "document.querySelector('[data-share-status]').textContent"

  /// On a served stage page: Ann names herself, the page reaches the server, she ticks step 1,
  /// and the server's record holds that tick.
  static func tickStepOneAsAnn(
    in browser: BrowserSession, page: BrowserSession.Page, store: RecordStore
  ) throws {
    _ = try browser.evaluate("localStorage.setItem('runbook:operator', 'Ann'); true", in: page)
    #expect(
      try wait(for: "Shared through runbook serve.", shared, in: browser, page: page)
        == "Shared through runbook serve.")
    _ = try browser.evaluate(
      "document.querySelector('input.verify-box[data-step=\"\(stage)/1\"]').click(); true",
      in: page)
    #expect(try serverRecord(["tick \(stage)/1 Ann"], in: store) == ["tick \(stage)/1 Ann"])
  }

  // An imported file may hold events the server refuses (a name with a bidi override, a time
  // JavaScript reads but ISO 8601 does not, a source that is no hash). The page took them, and
  // every batch it sent held them: the server refused the whole batch, so none of the good
  // events was ever shared. The page now takes only what the server takes.
  @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/setup --test)"))
  func anImportedEventTheServerRefusesIsNotTakenAndHoldsNothingBack() throws {
    let (root, store, server, base) = try Self.served()
    defer {
      server.stop()
      try? FileManager.default.removeItem(at: root)
    }
    let browser = try BrowserSession(browser: try #require(Self.chromium))
    let page = try browser.openPage(try #require(URL(string: base)))
    #expect(
      try Self.wait(for: "Shared through runbook serve.", Self.shared, in: browser, page: page)
        == "Shared through runbook serve.")
    let imported = try browser.evaluate(
      """
      window.runbookRecord.importRecord(JSON.stringify({
        schema: "runbook-record", version: 2, runbook: "install-mim-2016-service-and-portal",
        deployment: "fabrikam", exported: "2026-11-28T15:00:00.000Z", events: [
          { type: "tick", step: "\(Self.stage)/1", operator: "Ann", time: "2026-11-28T14:05:00.000Z" },
          { type: "tick", step: "\(Self.stage)/2", operator: "Eve\\u202e", time: "2026-11-28T14:06:00.000Z" },
          { type: "tick", step: "\(Self.stage)/3", operator: "Eve", time: "2026-11-28 14:07" },
          { type: "tick", step: "\(Self.stage)/4", source: "XYZ", operator: "Eve", time: "2026-11-28T14:08:00.000Z" },
          { type: "note", step: "\(Self.stage)/5", operator: "Eve", time: "2026-11-28T14:09:00.000Z", text: "a\\u0000b" }
        ] }))
      """, in: page)
    #expect(imported as? String == "Imported 1 event.")
    // A name pasted with a bidi override is kept without it (the server would refuse it).
    #expect(
      try browser.evaluate(
        "window.runbookRecord.nameOperator(' Ann\\u202e\\u0007 '); localStorage.getItem('runbook:operator')",
        in: page) as? String == "Ann")
    #expect(
      try Self.serverRecord(["tick \(Self.stage)/1 Ann"], in: store) == ["tick \(Self.stage)/1 Ann"]
    )
  }

  // A tick made before the operator gave a name is held back until the name comes, then sent
  // named. Another tab of the same browser did not know it was held: its sync sent it unnamed,
  // and the server then had it twice, unnamed and named, in the same second: a conflict no one
  // made. The tabs now share what is held.
  @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/setup --test)"))
  func aTickHeldForItsNameIsNotSentUnnamedByAnotherTab() throws {
    let (root, store, server, base) = try Self.served()
    defer {
      server.stop()
      try? FileManager.default.removeItem(at: root)
    }
    let browser = try BrowserSession(browser: try #require(Self.chromium))
    let stagePage = try browser.openPage(try #require(URL(string: base + "\(Self.stage).html")))
    let overview = try browser.openPage(try #require(URL(string: base)))
    for page in [stagePage, overview] {
      #expect(
        try Self.wait(for: "Shared through runbook serve.", Self.shared, in: browser, page: page)
          == "Shared through runbook serve.")
    }
    _ = try browser.evaluate(
      "document.querySelector('input.verify-box[data-step=\"\(Self.stage)/1\"]').click(); true",
      in: stagePage)
    // The page says why it is not shared yet.
    #expect(
      try Self.wait(
        for: "Not shared yet: what you record is sent once you give your name.", Self.shared,
        in: browser, page: stagePage)
        == "Not shared yet: what you record is sent once you give your name.")
    // The overview syncs (as when its events channel opens again): what did it send?
    let posted = try browser.evaluate(
      """
      (function () {
        var status = document.querySelector('[data-share-status]');
        status.textContent = '';
        var posts = [], original = window.fetch;
        window.fetch = function (url, options) {
          var made = original.apply(this, arguments);
          if (options && options.method === 'POST') posts.push(made);
          return made;
        };
        window.dispatchEvent(new Event('runbook:server-open'));
        return new Promise(function (resolve) {
          (function check() {
            if (status.textContent) return Promise.all(posts).then(function () { resolve(posts.length); });
            setTimeout(check, 10);
          })();
        });
      })()
      """, in: overview)
    #expect(posted as? Int == 0)
    _ = try browser.evaluate("window.runbookRecord.nameOperator('Ann'); true", in: stagePage)
    #expect(
      try Self.wait(for: "Shared through runbook serve.", Self.shared, in: browser, page: stagePage)
        == "Shared through runbook serve.")
    // Held in a constant, so that a failure shows what the server holds (a CI run on
    // 2026-12-04 failed here once under load, and did not say).
    let record = try Self.serverRecord(["tick \(Self.stage)/1 Ann"], in: store)
    #expect(record == ["tick \(Self.stage)/1 Ann"])
  }

  // Tabs see each other's storage late. A tab that has not yet seen another tab name its held
  // tick has the tick twice once the server's news comes (unnamed as made, named as shared) and
  // the hold already empty: its next sync sent the unnamed one, and the server showed a
  // conflict no one made (the CI failure of aTickHeldForItsNameIsNotSentUnnamedByAnotherTab).
  // The named event stands for both: merged, it takes the unnamed one's place; never sent.
  static let twinTicks = """
    var key = 'runbook:install-mim-2016-service-and-portal:fabrikam:events';
    var tick = { type: 'tick', step: '\(stage)/1', source: '', operator: '',
      time: '2026-12-04T20:00:00.123Z', text: '' };
    var named = Object.assign({}, tick, { operator: 'Ann' });
    """

  /// The stage page served, open and shared, with `twinTicks` to hand; then `body` on it.
  static func onSharedStagePage(
    _ body: (RecordStore, BrowserSession, BrowserSession.Page) throws -> Void
  ) throws {
    let (root, store, server, base) = try served()
    defer {
      server.stop()
      try? FileManager.default.removeItem(at: root)
    }
    let browser = try BrowserSession(browser: try #require(chromium))
    let page = try browser.openPage(try #require(URL(string: base + "\(stage).html")))
    #expect(
      try wait(for: "Shared through runbook serve.", shared, in: browser, page: page)
        == "Shared through runbook serve.")
    try body(store, browser, page)
  }

  /// JavaScript: `posted(start)` wraps `fetch`, calls `start()`, and resolves with what was
  /// POSTed (each request's events as "type operator", requests joined by ";") once no request
  /// has been in flight for a second.
  static let postedWhenQuiet = """
    function posted(start) {
      var bodies = [], open = 0, last = Date.now(), original = window.fetch;
      window.fetch = function (url, options) {
        if (options && options.method === 'POST') bodies.push(options.body);
        open += 1;
        var made = original.apply(this, arguments);
        var done = function () { open -= 1; last = Date.now(); };
        made.then(done, done);
        return made;
      };
      start();
      return new Promise(function (resolve) {
        (function check() {
          if (open === 0 && Date.now() - last >= 1000) {
            return resolve(bodies.map(function (body) {
              return JSON.parse(body).events.map(function (e) { return e.type + ' ' + e.operator; }).join(',');
            }).join(';'));
          }
          setTimeout(check, 20);
        })();
      });
    }

    """

  /// With `held` (JavaScript naming `tick` and `named`) in this browser's record, the syncs
  /// `start` sets off POST Ann's tick once, and the server keeps it once.
  static func expectAnnsTickSentOnce(holding held: String, start: String) throws {
    try onSharedStagePage { store, browser, page in
      let posted = try browser.evaluate(
        twinTicks + postedWhenQuiet + """
          localStorage.setItem(key, JSON.stringify(\(held)));
          posted(function () { \(start) });
          """, in: page)
      #expect(posted as? String == "tick Ann")
      #expect(try serverRecord(["tick \(stage)/1 Ann"], in: store) == ["tick \(stage)/1 Ann"])
    }
  }

  @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/setup --test)"))
  func aTickNamedInAnotherTabIsNeverSentUnnamed() throws {
    try Self.expectAnnsTickSentOnce(
      holding: "[tick, named]", start: "window.dispatchEvent(new Event('runbook:server-open'));")
  }

  // A page syncs when it loads and again when its events channel opens, a moment later: two
  // syncs at once read the record before either had sent, and both sent the same events (the
  // CI failure of aTickNamedInAnotherTabIsNeverSentUnnamed, "tick Ann;tick Ann"). One sync runs
  // at a time now; one asked for meanwhile runs once, after it.
  @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/setup --test)"))
  func twoSyncsAtOnceSendAnEventOnce() throws {
    try Self.expectAnnsTickSentOnce(
      holding: "[named]",
      start: String(repeating: "window.dispatchEvent(new Event('runbook:server-open'));", count: 2))
  }

  @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/setup --test)"))
  func theServersNamedTickTakesThePlaceOfTheSameTickHeldUnnamed() throws {
    try Self.onSharedStagePage { _, browser, page in
      let kept = try browser.evaluate(
        Self.twinTicks + """
          localStorage.setItem(key, JSON.stringify([tick]));
          window.dispatchEvent(new CustomEvent('runbook:server-record', { detail: {
            runbook: 'install-mim-2016-service-and-portal', deployment: 'fabrikam', events: [named] } }));
          JSON.parse(localStorage.getItem(key)).map(function (e) { return e.type + ' ' + e.operator; }).join(',');
          """, in: page)
      #expect(kept as? String == "tick Ann")
    }
  }

  // Beyond this machine, serve prints http://host:port/?token=…: the list of runbooks, which
  // has no record.js, so the token was never kept, every tick was refused, and the page said to
  // open the address the operator had opened. Every served page keeps it now (live.js).
  @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/setup --test)"))
  func theAddressServePrintsWithItsTokenLetsTheOperatorTick() throws {
    let token = RecordService.makeToken()
    let (root, store, server, base) = try Self.served(token: token)
    defer {
      server.stop()
      try? FileManager.default.removeItem(at: root)
    }
    let browser = try BrowserSession(browser: try #require(Self.chromium))
    let page = try browser.openPage(
      try #require(URL(string: base.replacingOccurrences(of: "fabrikam/", with: "?token=\(token)")))
    )
    #expect(
      try browser.evaluate("location.pathname + location.search", in: page) as? String == "/")
    try browser.load(try #require(URL(string: base + "\(Self.stage).html")), in: page)
    try Self.tickStepOneAsAnn(in: browser, page: page, store: store)
  }

  // A record file serve cannot use (damaged): the page said nothing at all, as if no server
  // kept a record. It now shows the server's words, which name the file and the fix.
  @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/setup --test)"))
  func aRecordServeCannotUseIsShownOnThePageWithItsFix() throws {
    let (root, store, server, base) = try Self.served()
    defer {
      server.stop()
      try? FileManager.default.removeItem(at: root)
    }
    let file = store.file(runbook: "install-mim-2016-service-and-portal", deployment: "fabrikam")
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(repeating: 0x5A, count: 4096).write(to: file)
    let browser = try BrowserSession(browser: try #require(Self.chromium))
    let page = try browser.openPage(try #require(URL(string: base)))
    let expected =
      "Not shared: the server cannot keep this record (the run record \(file.path) cannot be used: SQLite error 26: file is not a database - while executing `SELECT * FROM sqlite_master LIMIT 1`; fix: move it aside (mv '\(file.path)' '\(file.path).broken') and restart runbook serve: the open pages send the events they hold again). Kept in this browser."
    #expect(try Self.wait(for: expected, Self.shared, in: browser, page: page) == expected)
  }

  // "Clear every tick" on a served page while the server was away cleared this browser only:
  // when the server answered again, the page's sync took its ticks back in, and the clear was
  // undone without a word. The clear now waits for the server and unticks there what was
  // ticked before it.
  @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/setup --test)"))
  func clearingEveryTickWhileTheServerIsAwayReachesItWhenItIsBack() throws {
    let (root, store, server, base) = try Self.served()
    defer {
      server.stop()
      try? FileManager.default.removeItem(at: root)
    }
    let browser = try BrowserSession(browser: try #require(Self.chromium))
    let page = try browser.openPage(try #require(URL(string: base + "\(Self.stage).html")))
    try Self.tickStepOneAsAnn(in: browser, page: page, store: store)
    let overview = try browser.openPage(try #require(URL(string: base)))
    #expect(
      try Self.wait(for: "Shared through runbook serve.", Self.shared, in: browser, page: overview)
        == "Shared through runbook serve.")
    // The server does not answer while the operator clears; then it is back (the events
    // channel opens again).
    _ = try browser.evaluate(
      """
      (function () {
        var fetched = window.fetch;
        window.fetch = function () { return Promise.reject(new TypeError("away")); };
        window.confirm = function () { return true; };
        document.querySelector('[data-reset]').click();
        window.fetch = fetched;
        window.dispatchEvent(new Event('runbook:server-open'));
        return true;
      })()
      """, in: overview)
    #expect(
      try Self.serverRecord(
        ["tick \(Self.stage)/1 Ann", "untick \(Self.stage)/1 Ann"], in: store) == [
          "tick \(Self.stage)/1 Ann", "untick \(Self.stage)/1 Ann",
        ])
    #expect(
      try browser.evaluate(
        "document.querySelector('[data-stage-progress=\"\(Self.stage)\"]').textContent",
        in: overview) as? String == "0 of 16 verified")
  }

  /// The local hour and minute of a record time, as the page shows it.
  static func clock(_ time: String) -> String {
    let shown = DateFormatter()
    shown.dateFormat = "HH:mm"
    shown.timeZone = .current
    return RecordTime.date(time).map(shown.string) ?? ""
  }

  static func pdftotext(_ pdf: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(TestRunbook.executable("pdftotext")))
    process.arguments = ["-layout", pdf.path, "-"]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}
