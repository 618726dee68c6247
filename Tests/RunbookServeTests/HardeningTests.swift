import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import RunbookTestSupport
import Synchronization
import Testing

@testable import RunbookKit
@testable import RunbookServe

/// What `runbook serve` holds under attack, connection by connection on NIO's `EmbeddedChannel`:
/// its clock is advanced by hand and its writability set by hand, so nothing here waits.
@Suite struct HardeningTests {
  static let site = SiteServer(
    files: ["index.html": Data("<html><body><p>all</p></body></html>".utf8)], liveReload: false)

  static var limits: LiveServer.Limits {
    var limits = LiveServer.Limits()
    limits.headTimeout = .milliseconds(100)
    limits.idleTimeout = .milliseconds(600)
    limits.heartbeat = .milliseconds(300)
    return limits
  }

  /// A connected channel with the server's handlers, behind `reads` (which counts the reads that
  /// reach the socket).
  static func connection(reads: ReadCounter = ReadCounter()) throws -> EmbeddedChannel {
    let channel = EmbeddedChannel()
    try channel.pipeline.syncOperations.addHandler(reads)
    try LiveServer.configure(
      channel, site: { site }, subscribers: Subscribers(), hostCheck: HostCheck(host: "127.0.0.1"),
      limits: limits)
    try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8000)).wait()
    return channel
  }

  static func send(_ text: String, to channel: EmbeddedChannel) throws {
    try channel.writeInbound(channel.allocator.buffer(string: text))
  }

  /// Everything written to the socket since the last call.
  static func output(of channel: EmbeddedChannel) throws -> String {
    var text = ""
    while let data = try channel.readOutbound(as: IOData.self) {
      guard case .byteBuffer(let buffer) = data else { continue }
      text += String(buffer: buffer)
    }
    return text
  }

  static let get = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

  // The connection's client reads nothing: once its output passes the high water mark (the
  // channel is not writable), no further request is answered and the socket is not read; when
  // the output drains, the waiting requests are answered in order and reading goes on.
  @Test func aConnectionThatDoesNotReadIsNotReadEither() throws {
    let reads = ReadCounter()
    let channel = try Self.connection(reads: reads)
    try Self.send(Self.get, to: channel)
    let one = try Self.output(of: channel)
    #expect(one.hasPrefix("HTTP/1.1 200 OK\r\n"))

    channel.isWritable = false
    channel.pipeline.fireChannelWritabilityChanged()
    try Self.send(String(repeating: Self.get, count: 3), to: channel)
    channel.read()
    #expect(try Self.output(of: channel) == "")
    #expect(reads.count == 0)

    channel.isWritable = true
    channel.pipeline.fireChannelWritabilityChanged()
    #expect(try Self.output(of: channel) == String(repeating: one, count: 3))
    #expect(reads.count == 1)
    channel.read()
    #expect(reads.count == 2)
    _ = try? channel.finish()
  }

  @Test func theWriteBufferHasWaterMarks() {
    let limits = LiveServer.Limits()
    #expect(limits.writeBufferLow == 32_768)
    #expect(limits.writeBufferHigh == 262_144)
  }

  // Slowloris: a head that does not come whole within the head timeout closes the connection,
  // however its bytes trickle in.
  @Test func aRequestHeadMustComeInTime() throws {
    let silent = try Self.connection()
    silent.embeddedEventLoop.advanceTime(by: .milliseconds(99))
    #expect(silent.isActive)
    silent.embeddedEventLoop.advanceTime(by: .milliseconds(1))
    #expect(!silent.isActive)

    let trickling = try Self.connection()
    try Self.send("GET / HTTP/1.1\r\n", to: trickling)
    trickling.embeddedEventLoop.advanceTime(by: .milliseconds(50))
    try Self.send("Host: 127.0.0.1\r\n", to: trickling)
    trickling.embeddedEventLoop.advanceTime(by: .milliseconds(49))
    #expect(trickling.isActive)
    trickling.embeddedEventLoop.advanceTime(by: .milliseconds(1))
    #expect(!trickling.isActive)
    // NIO's protocol error handler answers the request cut short.
    #expect(
      try Self.output(of: trickling)
        == "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
  }

  // After a response, a keep-alive connection may idle for the idle timeout; once the next
  // request begins, its head has the head timeout.
  @Test func anIdleConnectionClosesAndTheNextHeadHasItsTimeout() throws {
    let idle = try Self.connection()
    try Self.send(Self.get, to: idle)
    #expect(try Self.output(of: idle).hasPrefix("HTTP/1.1 200 OK\r\n"))
    idle.embeddedEventLoop.advanceTime(by: .milliseconds(599))
    #expect(idle.isActive)
    idle.embeddedEventLoop.advanceTime(by: .milliseconds(1))
    #expect(!idle.isActive)

    let slow = try Self.connection()
    try Self.send(Self.get, to: slow)
    #expect(try Self.output(of: slow).hasPrefix("HTTP/1.1 200 OK\r\n"))
    slow.embeddedEventLoop.advanceTime(by: .milliseconds(200))
    try Self.send("GET / HT", to: slow)
    slow.embeddedEventLoop.advanceTime(by: .milliseconds(99))
    #expect(slow.isActive)
    slow.embeddedEventLoop.advanceTime(by: .milliseconds(1))
    #expect(!slow.isActive)
  }

  // The live-reload stream is never idle-closed: it gets a `: ping` comment every heartbeat.
  @Test func theEventStreamStaysOpenWithAHeartbeat() throws {
    let events = try Self.connection()
    try Self.send("GET /_runbook/events HTTP/1.1\r\nHost: localhost:8000\r\n\r\n", to: events)
    #expect(try Self.output(of: events).contains(": connected\n\n"))
    events.embeddedEventLoop.advanceTime(by: .milliseconds(3000))
    #expect(events.isActive)
    let pings = try Self.output(of: events).components(separatedBy: ": ping\n\n").count - 1
    #expect(pings == 10)
    _ = try? events.finish()
  }

  // DNS rebinding: the attacker's name gets 421, before anything is looked up.
  @Test func anotherHostGetsMisdirectedRequest() throws {
    let channel = try Self.connection()
    try Self.send(
      "GET / HTTP/1.1\r\nHost: rebind.evil.example:8000\r\n\r\n"
        + "GET /_runbook/events HTTP/1.1\r\nHost: rebind.evil.example\r\n\r\n", to: channel)
    let body =
      "runbook serve answers only for this machine's names and addresses, not for the host rebind.evil.example (a defence against DNS rebinding).\n  fix: if you opened that name yourself, restart with --allow-host rebind.evil.example\n"
    let answer =
      "HTTP/1.1 421 Misdirected Request\r\nCache-Control: no-store\r\nContent-Length: \(body.utf8.count)\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nConnection: keep-alive\r\n\r\n\(body)"
    #expect(try Self.output(of: channel) == answer + answer)
    _ = try? channel.finish()
  }

  // At the cap, new connections are closed as they come, and one line says so, once.
  @Test func connectionsPastTheCapAreClosedAndLoggedOnce() throws {
    let logged = Mutex<[String]>([])
    let server = EmbeddedChannel(
      handler: ConnectionCap(limit: 2, log: { line in logged.withLock { $0.append(line) } }))
    func accept() throws -> (EmbeddedChannel, forwarded: Bool) {
      let child = EmbeddedChannel()
      try child.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8000)).wait()
      try server.writeInbound(child as Channel)
      let forwarded = try server.readInbound(as: Channel.self)
      return (child, forwarded.map { $0 === child } ?? false)
    }
    let accepted = try (0..<4).map { _ in try accept() }
    #expect(accepted.map(\.forwarded) == [true, true, false, false])
    #expect(accepted.map(\.0.isActive) == [true, true, false, false])
    #expect(
      logged.withLock { $0 } == [
        "runbook: warning: 2 connections are open, as many as runbook serve takes; new ones are closed until some end\n  fix: close what holds them open, or raise the descriptor limit (ulimit -n): the cap is that limit less 64"
      ])

    try accepted[0].0.close().wait()
    accepted[0].0.embeddedEventLoop.run()  // the close's callbacks, among them the count's
    let again = try accept()
    #expect(again.forwarded)
    #expect(again.0.isActive)
    #expect(try accept().forwarded == false)
    #expect(logged.withLock { $0 }.count == 1)
  }

  @Test func theCapIsTheDescriptorLimitLessAReserve() {
    #expect(LiveServer.Limits.connectionCap(descriptorLimit: 1024) == 960)
    #expect(LiveServer.Limits.connectionCap(descriptorLimit: 20) == 1)
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    #expect(LiveServer.Limits().maxConnections == Int(min(limit.rlim_cur, 1 << 20)) - 64)
  }
}

/// Counts the `read`s that reach the front of the pipeline: the socket's.
final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
  typealias OutboundIn = Any
  private(set) var count = 0

  func read(context: ChannelHandlerContext) {
    count += 1
    context.read()
  }
}
