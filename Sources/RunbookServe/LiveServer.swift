import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import RunbookKit
import Synchronization

/// Why `runbook serve` could not start.
public struct ServeError: Error, CustomStringConvertible {
  public var description: String
}

/// `runbook serve`'s HTTP server: static pages from a `ServeSession`, and the server-sent events
/// that make open pages reload or show a failed rebuild's errors.
public final class LiveServer: Sendable {
  public let session: ServeSession
  private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
  private let subscribers = Subscribers()
  /// The listening channel, set by `start` and read by `wait` and `stop` (from a signal queue).
  private let channel = Mutex<Channel?>(nil)

  public init(session: ServeSession) {
    self.session = session
  }

  /// Binds and starts serving; returns the port (useful when asked for port 0).
  public func start(host: String, port: Int) throws -> Int {
    let session = session, subscribers = subscribers
    let bootstrap = ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
          try channel.pipeline.syncOperations.addHandler(
            HTTPHandler(session: session, subscribers: subscribers))
        }
      }
      .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
    do {
      let bound = try bootstrap.bind(host: host, port: port).wait()
      channel.withLock { $0 = bound }
      return bound.localAddress?.port ?? port
    } catch let error as IOError where error.errnoCode == EADDRINUSE {
      try? group.syncShutdownGracefully()
      throw ServeError(
        description:
          "runbook: error: port \(port) on \(host) is in use\n  fix: stop what listens there, or pick another port, such as --port \(port + 1)"
      )
    } catch {
      try? group.syncShutdownGracefully()
      throw ServeError(
        description:
          "runbook: error: cannot listen on \(host):\(port): \(error)\n  fix: check --host (127.0.0.1 listens on this machine only) and --port"
      )
    }
  }

  /// Tells every open page what the last rebuild did.
  public func announce(_ event: ServeSession.Event) {
    switch event {
    case .reloaded:
      subscribers.send("event: reload\ndata: {}\n\n")
    case .failed(let text):
      let json =
        (try? JSONEncoder().encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
      subscribers.send("event: errors\ndata: \(json)\n\n")
    }
  }

  /// Blocks until the server is closed by `stop()`.
  public func wait() {
    try? channel.withLock { $0 }?.closeFuture.wait()
  }

  /// Closes the listening socket and every connection, then the event loop.
  public func stop() {
    subscribers.closeAll()
    try? channel.withLock { $0 }?.close().wait()
    try? group.syncShutdownGracefully()
  }
}

/// The pages listening for server-sent events.
final class Subscribers: Sendable {
  private let channels = Mutex<[ObjectIdentifier: Channel]>([:])

  func add(_ channel: Channel) {
    channels.withLock { $0[ObjectIdentifier(channel)] = channel }
    channel.closeFuture.whenComplete { [weak self] _ in self?.remove(channel) }
  }

  func remove(_ channel: Channel) {
    _ = channels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
  }

  func send(_ text: String) {
    let all = channels.withLock { Array($0.values) }
    for channel in all {
      var buffer = channel.allocator.buffer(capacity: text.utf8.count)
      buffer.writeString(text)
      channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
    }
  }

  func closeAll() {
    let all = channels.withLock { channels in
      defer { channels = [:] }
      return Array(channels.values)
    }
    for channel in all { channel.close(promise: nil) }
  }
}

/// One connection: requests answered by the session's `SiteServer`.
final class HTTPHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  private let session: ServeSession
  private let subscribers: Subscribers
  private var head: HTTPRequestHead?

  init(session: ServeSession, subscribers: Subscribers) {
    self.session = session
    self.subscribers = subscribers
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head):
      self.head = head
    case .body:
      break
    case .end:
      guard let head else { return }
      self.head = nil
      if head.method == .GET && head.uri == SiteServer.eventsPath {
        openEventStream(context: context, head: head)
      } else {
        respond(context: context, head: head)
      }
    }
  }

  private func openEventStream(context: ChannelHandlerContext, head: HTTPRequestHead) {
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: "text/event-stream")
    headers.add(name: "Cache-Control", value: "no-store")
    context.write(
      wrapOutboundOut(
        .head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil
    )
    var buffer = context.channel.allocator.buffer(capacity: 16)
    buffer.writeString(": connected\n\n")
    context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
    subscribers.add(context.channel)
  }

  private func respond(context: ChannelHandlerContext, head: HTTPRequestHead) {
    let response = session.server.respond(
      method: head.method.rawValue, target: head.uri,
      ifNoneMatch: head.headers["If-None-Match"].first)
    var headers = HTTPHeaders()
    for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) {
      headers.add(name: name, value: value)
    }
    if headers["Content-Length"].isEmpty && response.status != 304 {
      headers.add(
        name: "Content-Length", value: String(head.method == .HEAD ? 0 : response.body.count))
    }
    let keepAlive = head.isKeepAlive
    headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
    let status = HTTPResponseStatus(statusCode: response.status)
    context.write(
      wrapOutboundOut(
        .head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
      promise: nil)
    if !response.body.isEmpty {
      var buffer = context.channel.allocator.buffer(capacity: response.body.count)
      buffer.writeBytes(response.body)
      context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
    }
    let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
    if !keepAlive {
      let channel = context.channel
      done.whenComplete { _ in channel.close(promise: nil) }
    }
  }
}
