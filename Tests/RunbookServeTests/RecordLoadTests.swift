import Foundation
import RunbookTestSupport
import Synchronization
import Testing

@testable import RunbookKit
@testable import RunbookRecord
@testable import RunbookServe

/// The shared record under load, on a real socket (issue #14): 50 clients send 2,000 events in
/// all, each waiting for its answer before the next, as a browser does. Every event ends in the
/// record once, each client's in the order it sent them. It stops by itself: each client gives
/// up after 60 s, which a failure then names.
@Suite(.serialized) struct RecordLoadTests {
  @Test func fiftyClientsTwoThousandEventsAllKeptInOrder() throws {
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    let store = RecordStore(root: root)
    let server = LiveServer(
      session: ServeSession(location: RunbookLocation(root: root)),
      record: RecordService(store: store, token: nil))
    let port = try server.start(host: "127.0.0.1", port: 0)
    defer { server.stop() }
    let client = LoopbackClient(port: port)
    let path = RecordServiceTests.query
    let clients = 50, each = 40
    let deadline = Date().addingTimeInterval(60)
    let failures = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: clients) { number in
      for sequence in 0..<each {
        guard Date() < deadline else {
          failures.withLock { $0.append("client \(number) ran out of time at event \(sequence)") }
          return
        }
        let event =
          "{\"type\":\"note\",\"step\":\"install-mim-service-portal/before-you-begin/1\",\"operator\":\"client-\(number)\",\"time\":\"2026-11-28T14:05:00.000Z\",\"text\":\"\(sequence)\"}"
        let answer = client.post(path, json: "{\"events\":[\(event)]}")
        guard answer.hasPrefix("HTTP/1.1 200 OK\r\n"), answer.hasSuffix("{\"added\":1}\n") else {
          failures.withLock { $0.append("client \(number) event \(sequence): \(answer)") }
          return
        }
      }
    }
    #expect(failures.withLock { $0 } == [])
    let events = try store.events(
      runbook: RecordServiceTests.runbook, deployment: "fabrikam")
    #expect(events.count == clients * each)
    var sent: [String: [String]] = [:]
    for event in events { sent[event.operator, default: []].append(event.text) }
    let expected = (0..<each).map(String.init)
    #expect(sent.count == clients)
    #expect(sent.filter { $0.value != expected }.keys.sorted() == [])
  }
}
