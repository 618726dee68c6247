import Foundation
import RunbookKit
import RunbookRecord
import Synchronization

/// `/_runbook/record`: the shared run record of the deployments `serve` serves (README, "The run
/// record"). Decided here request by request, without NIO; `LiveServer` carries the bytes.
///
/// - `GET /_runbook/record?runbook=R&deployment=D`: the record as a record file (JSON).
/// - `POST` the same, with `{"events": [...]}`: appends the events not there yet; every open
///   page is then told (`event: record`).
///
/// A write must come from a page of this server: a JSON body (a cross-site form cannot send
/// one without asking first), no foreign `Origin`, and, when `serve` listens beyond this
/// machine, the token it printed (`X-Runbook-Token`).
public struct RecordService: Sendable {
  public static let path = "/_runbook/record"

  public let store: RecordStore
  /// Required of every write when set.
  public let token: String?
  let now: @Sendable () -> Date
  /// Where a record that cannot be used is told to the operator (standard error), once per
  /// problem: the pages only say that it is not shared.
  let log: @Sendable (String) -> Void
  private let told = Told()

  private final class Told: Sendable {
    let problems = Mutex<Set<String>>([])
  }

  public init(
    store: RecordStore, token: String?, now: @escaping @Sendable () -> Date = Date.init,
    log: @escaping @Sendable (String) -> Void = {
      FileHandle.standardError.write(Data("\($0)\n".utf8))
    }
  ) {
    self.store = store
    self.token = token
    self.now = now
    self.log = log
  }

  /// A 500 that names the file and the fix, told to the operator the first time.
  private func failure(_ error: RecordStore.Failure) -> Outcome {
    if told.problems.withLock({ $0.insert(error.description).inserted }) {
      log("runbook: error: \(error.description)\n  fix: \(error.fix)")
    }
    return Self.refusal(500, "\(error.description); fix: \(error.fix)")
  }

  /// What a request is answered, and what every open page is told after it (a write's events).
  public struct Outcome: Sendable {
    public var response: HTTPResponse
    public var announcement: String?
  }

  public struct Request: Sendable {
    public var method: String
    public var target: String
    /// Header values by lowercased name (the first of each).
    public var headers: [String: String]
    public var body: Data

    public init(method: String, target: String, headers: [String: String], body: Data = Data()) {
      self.method = method
      self.target = target
      self.headers = headers
      self.body = body
    }
  }

  public static func handles(_ target: String) -> Bool {
    target == path || target.hasPrefix(path + "?")
  }

  public func answer(_ request: Request, site: SiteServer) -> Outcome {
    let query = URLComponents(string: request.target)?.queryItems ?? []
    let runbook = query.first { $0.name == "runbook" }?.value ?? ""
    let deployment = query.first { $0.name == "deployment" }?.value ?? ""
    guard site.serves(deployment: deployment, ofRunbook: runbook) else {
      return Self.refusal(
        404,
        "no deployment '\(deployment)' of runbook '\(runbook)' is served here: ask for the record of a site this server shows"
      )
    }
    switch request.method {
    case "GET":
      do {
        let record = RecordFile(
          runbook: runbook, deployment: deployment, exported: RecordTime.string(now()),
          events: try store.events(runbook: runbook, deployment: deployment))
        return Outcome(response: Self.json(200, record.encoded()), announcement: nil)
      } catch {
        return failure(error)
      }
    case "POST":
      return write(request, runbook: runbook, deployment: deployment)
    default:
      var outcome = Self.refusal(405, "the record takes GET and POST only")
      outcome.response.headers["Allow"] = "GET, POST"
      return outcome
    }
  }

  private func write(_ request: Request, runbook: String, deployment: String) -> Outcome {
    if let refusal = Self.foreign(request.headers) { return refusal }
    if let token, !Self.same(request.headers["x-runbook-token"] ?? "", token) {
      return Self.refusal(
        403,
        "writing to the record takes the token runbook serve printed: open the address it printed (with ?token=…)"
      )
    }
    guard (request.headers["content-type"] ?? "").lowercased().hasPrefix("application/json") else {
      return Self.refusal(415, "the record takes JSON (Content-Type: application/json)")
    }
    guard request.body.count <= RecordLimits.requestBytes else {
      return Self.refusal(
        413,
        "a write may hold at most \(RecordLimits.requestBytes) bytes: send fewer events at once")
    }
    struct Body: Decodable { var events: [RecordEvent] }
    let events: [RecordEvent]
    do {
      events = try JSONDecoder().decode(Body.self, from: request.body).events
    } catch {
      return Self.refusal(400, "the body is not {\"events\": [...]} of record events: \(error)")
    }
    guard events.count <= RecordLimits.eventsPerRequest else {
      return Self.refusal(
        413, "a write may hold at most \(RecordLimits.eventsPerRequest) events: send fewer at once")
    }
    for (index, event) in events.enumerated() {
      if let problem = event.problem {
        return Self.refusal(400, "event \(index + 1): \(problem)")
      }
    }
    let added: [RecordEvent]
    do {
      added = try store.append(events, runbook: runbook, deployment: deployment, at: now())
    } catch {
      return failure(error)
    }
    struct Told: Encodable {
      var runbook: String
      var deployment: String
      var events: [RecordEvent]
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let told = (try? encoder.encode(Told(runbook: runbook, deployment: deployment, events: added)))
      .map { String(decoding: $0, as: UTF8.self) }
    return Outcome(
      response: Self.json(200, Data("{\"added\":\(added.count)}\n".utf8)),
      announcement: added.isEmpty ? nil : told.map { "event: record\ndata: \($0)\n\n" })
  }

  /// A write that another site's page makes: its `Origin` is not this server's, or the browser
  /// says it is cross-site.
  static func foreign(_ headers: [String: String]) -> Outcome? {
    let host = headers["host"] ?? ""
    if let origin = headers["origin"], origin != "http://\(host)", origin != "https://\(host)" {
      return refusal(403, "writes to the record come from this server's own pages only")
    }
    if let site = headers["sec-fetch-site"], site != "same-origin", site != "none" {
      return refusal(403, "writes to the record come from this server's own pages only")
    }
    return nil
  }

  /// Compares in time that does not depend on where the two differ.
  static func same(_ given: String, _ expected: String) -> Bool {
    let a = Array(given.utf8), b = Array(expected.utf8)
    var difference = UInt8(a.count == b.count ? 0 : 1)
    for index in 0..<b.count { difference |= (index < a.count ? a[index] : 0) ^ b[index] }
    return difference == 0
  }

  static func json(_ status: Int, _ body: Data) -> HTTPResponse {
    HTTPResponse(
      status: status,
      headers: [
        "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      ], body: body)
  }

  static func refusal(_ status: Int, _ message: String) -> Outcome {
    struct Refusal: Encodable { var error: String }
    let body = (try? JSONEncoder().encode(Refusal(error: message))) ?? Data()
    return Outcome(response: json(status, body + Data("\n".utf8)), announcement: nil)
  }

  /// The addresses another machine opens to tick, token included: the host listened on, or, for
  /// a wildcard (`0.0.0.0`, `::`), each of this machine's addresses but loopback, IPv4 first.
  public static func shareAddresses(
    host: String, port: Int, token: String, interfaces: [String] = HostCheck.interfaceAddresses()
  ) -> [String] {
    let hosts =
      HostCheck.isWildcard(host)
      ? interfaces.filter { !HostCheck.isLoopback($0) && !$0.hasPrefix("fe80:") }
        .sorted { !$0.contains(":") && $1.contains(":") } : [host]
    return hosts.map { "http://\($0.contains(":") ? "[\($0)]" : $0):\(port)/?token=\(token)" }
  }

  /// A new token for `--host` beyond this machine: 32 random bytes, hex.
  public static func makeToken() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<4).map { _ in
      let hex = String(generator.next() as UInt64, radix: 16)
      return String(repeating: "0", count: 16 - hex.count) + hex
    }.joined()
  }
}
