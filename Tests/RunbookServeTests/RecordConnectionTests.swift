import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookKit
@testable import RunbookRecord
@testable import RunbookServe

/// The run record on one real connection: a record request is answered off the event loop, so
/// the requests pipelined behind it wait for it and are answered in the order sent.
@Suite struct RecordConnectionTests {
  @Test func pipelinedRecordRequestsAreAnsweredInOrder() throws {
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    let store = RecordStore(root: root)
    let server = LiveServer(
      session: ServeSession(location: RunbookLocation(root: root)),
      record: RecordService(store: store, token: nil))
    let port = try server.start(host: "127.0.0.1", port: 0)
    defer { server.stop() }
    let path =
      "/_runbook/record?runbook=install-mim-2016-service-and-portal&deployment=fabrikam"
    func post(_ body: String, close: Bool = false) -> String {
      "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
        + "Content-Length: \(body.utf8.count)\r\n\(close ? "Connection: close\r\n" : "")\r\n\(body)"
    }
    func tick(_ n: Int) -> String {
      "{\"events\": [{\"type\": \"tick\", \"step\": \"p/s/\(n)\", \"operator\": \"Ann\", \"time\": \"2026-11-28T14:0\(n):00.000Z\"}]}"
    }
    let requests =
      post(tick(1)) + "GET /fabrikam/index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
      + post(String(repeating: " ", count: RecordLimits.requestBytes + 1)) + post(tick(2))
      + "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    let answer = LoopbackClient(port: port).exchange(requests, timeout: 20)
    #expect(
      answer.matches(of: /HTTP\/1\.1 (\d{3})/).map { String($0.1) } == [
        "200", "200", "413", "200", "200",
      ])
    #expect(answer.components(separatedBy: "{\"added\":1}\n").count == 3)
    #expect(
      try store.events(runbook: "install-mim-2016-service-and-portal", deployment: "fabrikam")
        .map(\.step) == ["p/s/1", "p/s/2"])
    #expect(answer.hasSuffix("\"version\" : 2\n}\n"))
  }
}
