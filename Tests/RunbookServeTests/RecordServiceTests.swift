import Foundation
import RunbookTestSupport
import Synchronization
import Testing

@testable import RunbookKit
@testable import RunbookRecord
@testable import RunbookServe

/// The shared run record of `serve` (issue #14): what `/_runbook/record` answers, request by
/// request, and what its SQLite store keeps.
@Suite(.serialized) struct RecordServiceTests {
  static let runbook = "install-mim-2016-service-and-portal"
  static let query = "/_runbook/record?runbook=\(runbook)&deployment=fabrikam"
  static let clock = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-30T00:53:20Z
  static let tick = RecordEvent(
    type: .tick, step: "install-mim-service-portal/before-you-begin/1", source: "9f28585d2c254f28",
    operator: "Ann <b>Operator</b>", time: "2026-11-28T14:05:00.000Z")

  /// A served copy of the project's runbook and a record store beside it.
  final class Fixture {
    let root: URL
    let session: ServeSession
    let store: RecordStore

    init() throws {
      root = try TestRunbook.copy()
      session = ServeSession(location: RunbookLocation(root: root))
      store = RecordStore(root: root)
    }

    func service(token: String? = nil) -> RecordService {
      RecordService(store: store, token: token, now: { RecordServiceTests.clock })
    }

    deinit {
      store.close()
      try? FileManager.default.removeItem(at: root)
    }
  }

  static func post(
    _ events: [RecordEvent], headers: [String: String] = [:], target: String = query
  ) -> RecordService.Request {
    struct Body: Encodable { var events: [RecordEvent] }
    return RecordService.Request(
      method: "POST", target: target,
      headers: ["host": "127.0.0.1:8000", "content-type": "application/json"].merging(headers) {
        $1
      },
      body: (try? JSONEncoder().encode(Body(events: events))) ?? Data())
  }

  static func text(_ response: HTTPResponse) -> String {
    String(decoding: response.body, as: UTF8.self)
  }

  @Test func aWriteIsKeptOnceToldToEveryPageAndReadBack() throws {
    let fixture = try Fixture()
    let service = fixture.service()
    let site = fixture.session.server
    let received = "2026-11-30T00:53:20.000Z"

    let first = service.answer(Self.post([Self.tick]), site: site)
    #expect(first.response.status == 200)
    #expect(Self.text(first.response) == "{\"added\":1}\n")
    #expect(first.response.headers["Content-Type"] == "application/json; charset=utf-8")
    #expect(
      first.announcement
        == "event: record\ndata: {\"deployment\":\"fabrikam\",\"events\":[{\"operator\":\"Ann <b>Operator<\\/b>\",\"received\":\"\(received)\",\"source\":\"9f28585d2c254f28\",\"step\":\"install-mim-service-portal\\/before-you-begin\\/1\",\"text\":\"\",\"time\":\"2026-11-28T14:05:00.000Z\",\"type\":\"tick\"}],\"runbook\":\"\(Self.runbook)\"}\n\n"
    )
    // The same event again (a browser syncing what it sent before): nothing added or told.
    let again = service.answer(Self.post([Self.tick]), site: site)
    #expect(Self.text(again.response) == "{\"added\":0}\n" && again.announcement == nil)

    let read = service.answer(
      RecordService.Request(method: "GET", target: Self.query, headers: [:]), site: site)
    var stored = Self.tick
    stored.received = received
    let record = try JSONDecoder().decode(RecordFile.self, from: read.response.body)
    #expect(
      record
        == RecordFile(
          runbook: Self.runbook, deployment: "fabrikam", exported: received, events: [stored]))
    #expect(
      FileManager.default.fileExists(
        atPath: fixture.root.appendingPathComponent("Records/\(Self.runbook)/fabrikam.sqlite").path)
    )
  }

  @Test(arguments: [
    (
      ["origin": "http://evil.example"], 403,
      "{\"error\":\"writes to the record come from this server's own pages only\"}\n"
    ),
    (
      ["sec-fetch-site": "cross-site"], 403,
      "{\"error\":\"writes to the record come from this server's own pages only\"}\n"
    ),
    (
      ["content-type": "text/plain"], 415,
      "{\"error\":\"the record takes JSON (Content-Type: application\\/json)\"}\n"
    ),
    (["origin": "http://127.0.0.1:8000", "sec-fetch-site": "same-origin"], 200, "{\"added\":1}\n"),
  ])
  func writesFromOtherSitesAreRefused(headers: [String: String], status: Int, body: String) throws {
    let fixture = try Fixture()
    let outcome = fixture.service().answer(
      Self.post([Self.tick], headers: headers), site: fixture.session.server)
    #expect(outcome.response.status == status)
    #expect(Self.text(outcome.response) == body)
    #expect(
      try fixture.store.events(runbook: Self.runbook, deployment: "fabrikam").count
        == (status == 200 ? 1 : 0))
  }

  @Test func beyondThisMachineEveryWriteTakesTheToken() throws {
    let fixture = try Fixture()
    let token = RecordService.makeToken()
    #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
    let service = fixture.service(token: token)
    let site = fixture.session.server
    for given in [nil, "", String(token.dropLast()) + "0", token.uppercased()] where given != token
    {
      let outcome = service.answer(
        Self.post([Self.tick], headers: given.map { ["x-runbook-token": $0] } ?? [:]), site: site)
      #expect(outcome.response.status == 403)
      #expect(
        Self.text(outcome.response)
          == "{\"error\":\"writing to the record takes the token runbook serve printed: open the address it printed (with ?token=…)\"}\n"
      )
    }
    let allowed = service.answer(
      Self.post([Self.tick], headers: ["x-runbook-token": token]), site: site)
    #expect(allowed.response.status == 200)
    // Reading takes no token: the pages it belongs to are open to read too.
    let read = service.answer(
      RecordService.Request(method: "GET", target: Self.query, headers: [:]), site: site)
    #expect(read.response.status == 200)
  }

  // The address printed for another machine is one it can open: not 0.0.0.0, not loopback.
  @Test func theSharedAddressIsOneAnotherMachineCanOpen() {
    let token = String(repeating: "ab", count: 32)
    let interfaces = ["127.0.0.1", "::1", "fe80::1", "2001:db8::5", "192.168.1.20"]
    #expect(
      RecordService.shareAddresses(
        host: "0.0.0.0", port: 8000, token: token, interfaces: interfaces)
        == [
          "http://192.168.1.20:8000/?token=\(token)", "http://[2001:db8::5]:8000/?token=\(token)",
        ])
    #expect(
      RecordService.shareAddresses(
        host: "10.1.2.3", port: 8080, token: token, interfaces: interfaces)
        == ["http://10.1.2.3:8080/?token=\(token)"])
  }

  @Test func badWritesSayWhatIsWrongAndKeepNothing() throws {
    let fixture = try Fixture()
    let service = fixture.service()
    let site = fixture.session.server
    var late = Self.tick
    late.time = "tomorrow"
    let answers = [
      service.answer(Self.post([Self.tick, late]), site: site),
      service.answer(
        Self.post(
          [Self.tick], target: "/_runbook/record?runbook=\(Self.runbook)&deployment=nowhere"),
        site: site),
      service.answer(
        Self.post([Self.tick], target: "/_runbook/record?runbook=other&deployment=fabrikam"),
        site: site),
      service.answer(
        Self.post(Array(repeating: Self.tick, count: RecordLimits.eventsPerRequest + 1)),
        site: site),
      service.answer(
        RecordService.Request(
          method: "POST", target: Self.query, headers: ["content-type": "application/json"],
          body: Data("{\"events\": 3}".utf8)), site: site),
      service.answer(
        RecordService.Request(method: "DELETE", target: Self.query, headers: [:]), site: site),
    ]
    #expect(answers.map(\.response.status) == [400, 404, 404, 413, 400, 405])
    #expect(
      answers.map { Self.text($0.response) }.prefix(4) == [
        "{\"error\":\"event 2: a time must be ISO 8601, such as 2026-11-28T14:05:00.000Z\"}\n",
        "{\"error\":\"no deployment 'nowhere' of runbook '\(Self.runbook)' is served here: ask for the record of a site this server shows\"}\n",
        "{\"error\":\"no deployment 'fabrikam' of runbook 'other' is served here: ask for the record of a site this server shows\"}\n",
        "{\"error\":\"a write may hold at most 500 events: send fewer at once\"}\n",
      ])
    #expect(
      Self.text(answers[4].response).hasPrefix(
        "{\"error\":\"the body is not {\\\"events\\\": [...]}"))
    #expect(answers[5].response.headers["Allow"] == "GET, POST")
    #expect(try fixture.store.events(runbook: Self.runbook, deployment: "fabrikam").isEmpty)
    // Nothing was made for the deployment that is not served.
    #expect(
      !FileManager.default.fileExists(
        atPath: fixture.root.appendingPathComponent("Records/\(Self.runbook)/nowhere.sqlite").path))
  }

  // SQLite text reads back up to its first NUL (GRDB), so a note holding one came back cut: a
  // different event from the one sent, which the page then sent again at every sync.
  @Test func aNoteWithControlCharactersIsRefusedNotCut() throws {
    let fixture = try Fixture()
    let note = RecordEvent(
      type: .note, step: Self.tick.step, operator: "Bo", time: "2026-11-28T14:06:00Z",
      text: "CHG0042\u{0}\u{1B}[2J seen")
    let outcome = fixture.service().answer(Self.post([note]), site: fixture.session.server)
    #expect(outcome.response.status == 400)
    #expect(
      Self.text(outcome.response)
        == "{\"error\":\"event 1: a note may hold line breaks and tabs but no other control characters\"}\n"
    )
    #expect(try fixture.store.events(runbook: Self.runbook, deployment: "fabrikam").isEmpty)
  }

  // A damaged record file answered 500 with SQLite's words only and told the operator nothing:
  // the pages said "not shared yet" for ever. Now the answer names the file and the fix, and
  // standard error says so once.
  @Test func aDamagedRecordNamesItsFileAndTheFixOnce() throws {
    let fixture = try Fixture()
    let file = fixture.store.file(runbook: Self.runbook, deployment: "fabrikam")
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(repeating: 0x5A, count: 4096).write(to: file)
    let lines = Mutex<[String]>([])
    let service = RecordService(
      store: fixture.store, token: nil, now: { Self.clock },
      log: { line in lines.withLock { $0.append(line) } })
    let site = fixture.session.server
    let write = service.answer(Self.post([Self.tick]), site: site)
    let read = service.answer(
      RecordService.Request(method: "GET", target: Self.query, headers: [:]), site: site)
    let problem =
      "the run record \(file.path) cannot be used: SQLite error 26: file is not a database - while executing `SELECT * FROM sqlite_master LIMIT 1`"
    let fix =
      "move it aside (mv '\(file.path)' '\(file.path).broken') and restart runbook serve: the open pages send the events they hold again"
    #expect(write.response.status == 500 && read.response.status == 500)
    struct Refusal: Decodable { var error: String }
    #expect(
      try JSONDecoder().decode(Refusal.self, from: write.response.body).error
        == "\(problem); fix: \(fix)")
    #expect(lines.withLock { $0 } == ["runbook: error: \(problem)\n  fix: \(fix)"])
  }

  // The log takes inserts only, and a store opened again (a restarted server) finds it whole.
  @Test func theRecordIsAppendOnlyAndOutlivesItsStore() throws {
    let fixture = try Fixture()
    let note = RecordEvent(
      type: .note, step: Self.tick.step, operator: "Bo", time: "2026-11-28T14:06:00Z",
      text: "CHG0042: seen")
    _ = try fixture.store.append(
      [Self.tick, note], runbook: Self.runbook, deployment: "fabrikam", at: Self.clock)
    fixture.store.close()
    let reopened = RecordStore(root: fixture.root)
    defer { reopened.close() }
    #expect(
      try reopened.events(runbook: Self.runbook, deployment: "fabrikam").map(\.identity) == [
        Self.tick.identity, note.identity,
      ])
    let file = fixture.store.file(runbook: Self.runbook, deployment: "fabrikam")
    let sqlite = Process()
    sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    sqlite.arguments = ["python3", "-c", Self.tamper, file.path]
    let out = Pipe()
    sqlite.standardOutput = out
    try sqlite.run()
    sqlite.waitUntilExit()
    #expect(
      String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        == "UPDATE: the run record is append-only\nDELETE: the run record is append-only\nwal\n")
  }

  /// Tries to change and delete events with Python's sqlite3, and prints the journal mode.
  static let tamper = """
    import sqlite3, sys
    db = sqlite3.connect(sys.argv[1])
    for what, sql in (("UPDATE", "UPDATE event SET operator = 'Eve'"), ("DELETE", "DELETE FROM event")):
        try:
            db.execute(sql)
            print(what + ": allowed")
        except sqlite3.DatabaseError as error:
            print(what + ": " + str(error))
    print(db.execute("PRAGMA journal_mode").fetchone()[0])
    """
}
