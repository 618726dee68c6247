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
///
/// It holds under attack: only loopback names, its own addresses and `--allow-host` names are
/// answered (DNS rebinding gets 421); a connection that does not read its responses is not read
/// either (its output stays under the write buffer's high water mark); a request head must come
/// within `Limits.headTimeout` and an idle connection closes after `Limits.idleTimeout`; open
/// connections are capped below the descriptor limit.
public final class LiveServer: Sendable {
  /// What one server and each of its connections may take; tests shorten the durations.
  public struct Limits: Sendable {
    /// How long a request head may take to arrive, from the connection's start or from the
    /// first byte of a request after an idle wait.
    public var headTimeout: Duration = .seconds(10)
    /// How long a connection may wait between a response and the next request.
    public var idleTimeout: Duration = .seconds(60)
    /// How often an event stream gets a `: ping` comment (and is closed if it cannot take it).
    public var heartbeat: Duration = .seconds(30)
    /// Open connections at most; more are accepted and closed at once.
    public var maxConnections: Int = Limits.connectionCap(
      descriptorLimit: Limits.descriptorLimit())
    /// A connection is not read while this much of its output waits (low: read again).
    public var writeBufferLow = 32 * 1024
    public var writeBufferHigh = 256 * 1024

    public init() {}

    /// Descriptors kept for the files, the watcher and the event loop.
    public static let reserve = 64

    /// The connection cap under a descriptor limit: that limit less the reserve.
    public static func connectionCap(descriptorLimit: Int) -> Int {
      max(1, descriptorLimit - reserve)
    }

    /// The process's soft limit of open descriptors (`ulimit -n`).
    public static func descriptorLimit() -> Int {
      var limit = rlimit()
      guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
      // Unlimited (RLIM_INFINITY, all bits set) counts as a million.
      return Int(min(limit.rlim_cur, 1 << 20))
    }
  }

  public let session: ServeSession
  /// The shared run record, when this server keeps one.
  public let record: RecordService?
  private let allowHosts: [String]
  private let limits: Limits
  private let log: @Sendable (String) -> Void
  private let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
  private let subscribers = Subscribers()
  /// The listening channel, set by `start` and read by `wait` and `stop` (from a signal queue).
  private let channel = Mutex<Channel?>(nil)

  /// - Parameters:
  ///   - allowHosts: the names of `--allow-host`, answered besides loopback and the server's own.
  ///   - log: where a line for the operator goes (standard error).
  public init(
    session: ServeSession, record: RecordService? = nil, allowHosts: [String] = [],
    limits: Limits = Limits(),
    log: @escaping @Sendable (String) -> Void = {
      FileHandle.standardError.write(Data("\($0)\n".utf8))
    }
  ) {
    self.session = session
    self.record = record
    self.allowHosts = allowHosts
    self.limits = limits
    self.log = log
  }

  /// Binds and starts serving; returns the port (useful when asked for port 0).
  public func start(host: String, port: Int) throws -> Int {
    let session = session, subscribers = subscribers, limits = limits, log = log
    let record = record
    let prepared = PreparedResponses()
    let hostCheck = HostCheck(
      host: host, allowHosts: allowHosts,
      localAddresses: HostCheck.isWildcard(host) ? HostCheck.interfaceAddresses() : [])
    let bootstrap = ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .serverChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          // Out of descriptors anyway (other files): wait a moment rather than spin on accept.
          try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler())
          try channel.pipeline.syncOperations.addHandler(
            ConnectionCap(limit: limits.maxConnections, log: log))
        }
      }
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try Self.configure(
            channel, site: { session.server }, subscribers: subscribers, hostCheck: hostCheck,
            limits: limits, prepared: prepared, record: record)
        }
      }
      .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(
        .writeBufferWaterMark,
        value: ChannelOptions.Types.WriteBufferWaterMark(
          low: limits.writeBufferLow, high: limits.writeBufferHigh))
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

  /// The handlers of one connection, in order: its deadlines (on raw bytes), the HTTP codec and
  /// pipelining, then `HTTPHandler`.
  static func configure(
    _ channel: Channel, site: @escaping @Sendable () -> SiteServer, subscribers: Subscribers,
    hostCheck: HostCheck, limits: Limits, prepared: PreparedResponses = PreparedResponses(),
    record: RecordService? = nil
  ) throws {
    let pipeline = channel.pipeline.syncOperations
    try pipeline.addHandler(
      ConnectionDeadlines(
        headTimeout: TimeAmount(limits.headTimeout), idleTimeout: TimeAmount(limits.idleTimeout)))
    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
    try pipeline.addHandler(
      HTTPHandler(
        site: site, subscribers: subscribers, hostCheck: hostCheck,
        heartbeat: TimeAmount(limits.heartbeat), prepared: prepared, record: record))
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
    record?.store.close()
  }
}

extension TimeAmount {
  init(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
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
      // A page that does not read its events is not written to without end.
      guard channel.isWritable else {
        channel.close(promise: nil)
        continue
      }
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

/// What `HTTPHandler` tells `ConnectionDeadlines`, as outbound user events.
enum ConnectionEvent: Sendable {
  /// A request is being answered: no deadline until its response ends.
  case requestHead
  /// A response was written: the connection may idle until the next request.
  case responseEnd
  /// The connection became an event stream: no deadline any more (it has a heartbeat).
  case streaming
}

/// Closes a connection whose request head does not come in time (from the connection's start,
/// or from the first byte after an idle wait), or that idles too long between requests. First
/// in the pipeline, so it sees every byte that arrives.
final class ConnectionDeadlines: ChannelDuplexHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer
  typealias OutboundIn = IOData

  private enum Phase {
    case waitingForHead, answering, idle, streaming
  }

  private let headTimeout: TimeAmount
  private let idleTimeout: TimeAmount
  private var phase = Phase.waitingForHead
  /// When the connection closes unless something moves it; nil while a request is answered.
  private var due: NIODeadline?
  /// One timer at a time, not one per request: when it fires before `due` (which a request
  /// moved on meanwhile), it is set again for `due`. Setting a timer per request costs more
  /// than answering a page.
  private var timer: Scheduled<Void>?

  init(headTimeout: TimeAmount, idleTimeout: TimeAmount) {
    self.headTimeout = headTimeout
    self.idleTimeout = idleTimeout
  }

  func handlerAdded(context: ChannelHandlerContext) {
    if context.channel.isActive { arm(context: context, in: headTimeout) }
  }

  func channelActive(context: ChannelHandlerContext) {
    arm(context: context, in: headTimeout)
    context.fireChannelActive()
  }

  func channelInactive(context: ChannelHandlerContext) {
    disarm()
    timer?.cancel()
    timer = nil
    context.fireChannelInactive()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    disarm()
    timer?.cancel()
    timer = nil
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    if phase == .idle {
      // The next request has begun: its head must come in time.
      phase = .waitingForHead
      arm(context: context, in: headTimeout)
    }
    context.fireChannelRead(data)
  }

  func triggerUserOutboundEvent(
    context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?
  ) {
    guard let event = event as? ConnectionEvent else {
      context.triggerUserOutboundEvent(event, promise: promise)
      return
    }
    switch (event, phase) {
    case (_, .streaming):
      break
    case (.requestHead, _):
      phase = .answering
      disarm()
    case (.responseEnd, _):
      phase = .idle
      arm(context: context, in: idleTimeout)
    case (.streaming, _):
      phase = .streaming
      disarm()
    }
    promise?.succeed()
  }

  private func arm(context: ChannelHandlerContext, in amount: TimeAmount) {
    let when = context.eventLoop.now + amount
    due = when
    // A timer due later than the new deadline (an idle one, then a head one) is replaced.
    if let timer, timerDue.map({ $0 > when }) ?? true {
      timer.cancel()
      self.timer = nil
    }
    if timer == nil { schedule(context: context, at: when) }
  }

  private func disarm() { due = nil }

  private var timerDue: NIODeadline?

  private func schedule(context: ChannelHandlerContext, at when: NIODeadline) {
    let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
    let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
    timerDue = when
    timer = context.eventLoop.scheduleTask(deadline: when) {
      handler.value.fire(context: bound.value)
    }
  }

  private func fire(context: ChannelHandlerContext) {
    timer = nil
    timerDue = nil
    guard let due else { return }
    if due <= context.eventLoop.now {
      context.channel.close(promise: nil)
    } else {
      schedule(context: context, at: due)
    }
  }
}

/// Caps the open connections: at the cap, a new connection is closed as soon as it is accepted,
/// and the first time the cap is reached one line says so. In the listening channel's pipeline,
/// before NIO's accept handler.
final class ConnectionCap: ChannelInboundHandler {
  typealias InboundIn = Channel
  typealias InboundOut = Channel

  /// The open connections, counted down from any event loop as they close.
  private final class Count: Sendable {
    let value = Atomic<Int>(0)
  }

  let limit: Int
  private let open = Count()
  private let log: @Sendable (String) -> Void
  private var warned = false

  init(limit: Int, log: @escaping @Sendable (String) -> Void) {
    self.limit = limit
    self.log = log
  }

  static func message(limit: Int) -> String {
    "runbook: warning: \(limit) connections are open, as many as runbook serve takes; new ones are"
      + " closed until some end\n  fix: close what holds them open, or raise the descriptor limit"
      + " (ulimit -n): the cap is that limit less \(LiveServer.Limits.reserve)"
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let child = unwrapInboundIn(data)
    guard open.value.load(ordering: .relaxed) < limit else {
      if !warned {
        warned = true
        log(Self.message(limit: limit))
      }
      child.close(promise: nil)
      return
    }
    open.value.add(1, ordering: .relaxed)
    let open = open
    child.closeFuture.whenComplete { _ in open.value.subtract(1, ordering: .relaxed) }
    context.fireChannelRead(data)
  }
}

/// One connection: requests answered by the session's `SiteServer`, one at a time, and only
/// while the connection takes its output: while the channel is not writable (its write buffer
/// above the high water mark) the next request waits and the socket is not read.
final class HTTPHandler: ChannelDuplexHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundIn = HTTPServerResponsePart
  typealias OutboundOut = HTTPServerResponsePart

  private let site: @Sendable () -> SiteServer
  private let prepared: PreparedResponses
  private let subscribers: Subscribers
  private let hostCheck: HostCheck
  private let heartbeatInterval: TimeAmount
  private let record: RecordService?
  private var head: HTTPRequestHead?
  /// The body of the request being received: kept for the run record only, and only up to one
  /// byte past its limit (enough to refuse it).
  private var body: ByteBuffer?
  /// Requests received whole, not answered yet.
  private var waiting: [(head: HTTPRequestHead, body: ByteBuffer?)] = []
  /// A request answered off the event loop (the run record's database): the next waits for it.
  private var busy = false
  /// Inside `answerWaiting`: a request that arrives meanwhile (the pipelining handler sends the
  /// next as a response ends) is answered by the loop already running.
  private var answering = false
  /// A `read` held back while the output waits.
  private var readHeld = false
  private var streaming = false
  private var heartbeat: RepeatedTask?

  init(
    site: @escaping @Sendable () -> SiteServer, subscribers: Subscribers, hostCheck: HostCheck,
    heartbeat: TimeAmount, prepared: PreparedResponses = PreparedResponses(),
    record: RecordService? = nil
  ) {
    self.record = record
    self.site = site
    self.prepared = prepared
    self.subscribers = subscribers
    self.hostCheck = hostCheck
    self.heartbeatInterval = heartbeat
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head):
      self.head = head
      body = nil
      if head.method == .POST && record != nil && RecordService.handles(head.uri) {
        body = context.channel.allocator.buffer(capacity: 0)
      }
    case .body(var part):
      guard var kept = body else { break }
      body = nil
      let room = RecordLimits.requestBytes + 1 - kept.readableBytes
      if room > 0, let bytes = part.readSlice(length: min(room, part.readableBytes)) {
        kept.writeImmutableBuffer(bytes)
      }
      body = kept
    case .end:
      guard let head else { return }
      self.head = nil
      waiting.append((head, body))
      body = nil
      answerWaiting(context: context)
    }
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    answerWaiting(context: context)
    context.fireChannelWritabilityChanged()
  }

  func channelInactive(context: ChannelHandlerContext) {
    heartbeat?.cancel()
    heartbeat = nil
    context.fireChannelInactive()
  }

  func read(context: ChannelHandlerContext) {
    if context.channel.isWritable && waiting.isEmpty && !busy {
      context.read()
    } else {
      readHeld = true
    }
  }

  private func answerWaiting(context: ChannelHandlerContext) {
    guard !answering else { return }
    answering = true
    defer { answering = false }
    while !streaming && !busy && context.channel.isWritable && !waiting.isEmpty {
      let (head, body) = waiting.removeFirst()
      context.triggerUserOutboundEvent(ConnectionEvent.requestHead, promise: nil)
      answer(context: context, head: head, body: body)
    }
    if readHeld && context.channel.isWritable && waiting.isEmpty && !busy {
      readHeld = false
      context.read()
    }
  }

  private func answer(context: ChannelHandlerContext, head: HTTPRequestHead, body: ByteBuffer?) {
    if let refusal = hostCheck.refusal(
      hostHeaders: head.headers["Host"], connectedTo: context.channel.localAddress?.ipAddress)
    {
      respond(context: context, head: head, with: refusal)
    } else if head.method == .GET && head.uri == SiteServer.eventsPath {
      openEventStream(context: context, head: head)
    } else if let record, RecordService.handles(head.uri) {
      answerRecord(record, context: context, head: head, body: body)
    } else {
      let server = site()
      if head.method == .GET || head.method == .HEAD, head.headers["If-None-Match"].isEmpty,
        let ready = prepared.response(
          to: head.uri, from: server, allocator: context.channel.allocator)
      {
        respond(context: context, head: head, with: ready)
        return
      }
      let response = server.respond(
        method: head.method.rawValue, target: head.uri,
        ifNoneMatch: head.headers["If-None-Match"].first)
      respond(context: context, head: head, with: response)
    }
  }

  /// A request of the run record: answered on another thread (it waits for the database), then
  /// written on this connection's event loop; what it added is told to every open page.
  private func answerRecord(
    _ record: RecordService, context: ChannelHandlerContext, head: HTTPRequestHead,
    body: ByteBuffer?
  ) {
    busy = true
    var headers: [String: String] = [:]
    for (name, value) in head.headers where headers[name.lowercased()] == nil {
      headers[name.lowercased()] = value
    }
    let request = RecordService.Request(
      method: head.method.rawValue, target: head.uri, headers: headers,
      body: body.map { Data($0.readableBytesView) } ?? Data())
    let site = site(), subscribers = subscribers
    let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
    let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
    let loop = context.eventLoop
    DispatchQueue.global().async {
      let outcome = record.answer(request, site: site)
      loop.execute {
        handler.value.busy = false
        handler.value.respond(context: bound.value, head: head, with: outcome.response)
        if let announcement = outcome.announcement { subscribers.send(announcement) }
        handler.value.answerWaiting(context: bound.value)
      }
    }
  }

  /// A page answered before since the last build: its head and body made then, so that the
  /// request costs no header building and no copy of the page.
  private func respond(
    context: ChannelHandlerContext, head: HTTPRequestHead, with ready: PreparedResponses.Ready
  ) {
    let keepAlive = head.isKeepAlive
    context.write(
      wrapOutboundOut(
        .head(
          HTTPResponseHead(
            version: head.version, status: .ok,
            headers: keepAlive ? ready.keepAliveHeaders : ready.closeHeaders))),
      promise: nil)
    if head.method != .HEAD {
      context.write(wrapOutboundOut(.body(.byteBuffer(ready.body))), promise: nil)
    }
    let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
    context.triggerUserOutboundEvent(ConnectionEvent.responseEnd, promise: nil)
    if !keepAlive {
      let channel = context.channel
      done.whenComplete { _ in channel.close(promise: nil) }
    }
  }

  private func openEventStream(context: ChannelHandlerContext, head: HTTPRequestHead) {
    streaming = true
    context.triggerUserOutboundEvent(ConnectionEvent.streaming, promise: nil)
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
    // A comment now and then keeps proxies and the browser from thinking the stream dead, and
    // closes it when the page stopped reading.
    let channel = context.channel
    heartbeat = context.eventLoop.scheduleRepeatedTask(
      initialDelay: heartbeatInterval, delay: heartbeatInterval
    ) { _ in
      guard channel.isWritable else {
        channel.close(promise: nil)
        return
      }
      let ping = channel.allocator.buffer(string: ": ping\n\n")
      channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ping)), promise: nil)
    }
  }

  private func respond(
    context: ChannelHandlerContext, head: HTTPRequestHead, with response: HTTPResponse
  ) {
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
    if !response.body.isEmpty && head.method != .HEAD {
      var buffer = context.channel.allocator.buffer(capacity: response.body.count)
      buffer.writeBytes(response.body)
      context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
    }
    let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
    context.triggerUserOutboundEvent(ConnectionEvent.responseEnd, promise: nil)
    if !keepAlive {
      let channel = context.channel
      done.whenComplete { _ in channel.close(promise: nil) }
    }
  }
}

/// The 200 responses of the current build, each made once (headers in NIO's form, the page in
/// a buffer that every connection writes without copying), shared by every connection, dropped
/// when a rebuild makes a new `SiteServer`.
final class PreparedResponses: Sendable {
  struct Ready: Sendable {
    var keepAliveHeaders: HTTPHeaders
    var closeHeaders: HTTPHeaders
    var body: ByteBuffer
  }

  private struct State {
    var generation: UInt64 = .max
    var responses: [String: Ready] = [:]
  }

  private let state = Mutex(State())

  /// The response to a GET of `target`, made now or before; nil when it is not a 200 (those are
  /// answered the usual way, and not kept).
  func response(to target: String, from server: SiteServer, allocator: ByteBufferAllocator)
    -> Ready?
  {
    if let ready = state.withLock({ state -> Ready? in
      if state.generation != server.generation {
        state = State(generation: server.generation)
      }
      return state.responses[target]
    }) {
      return ready
    }
    // Only the site's files (they have an ETag and a length); the errors are never kept.
    let response = server.respond(method: "GET", target: target)
    guard response.status == 200, response.headers["ETag"] != nil,
      response.headers["Content-Length"] != nil
    else { return nil }
    var headers = HTTPHeaders()
    for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) {
      headers.add(name: name, value: value)
    }
    var keepAlive = headers, close = headers
    keepAlive.add(name: "Connection", value: "keep-alive")
    close.add(name: "Connection", value: "close")
    let ready = Ready(
      keepAliveHeaders: keepAlive, closeHeaders: close,
      body: allocator.buffer(bytes: response.body))
    state.withLock { state in
      if state.generation == server.generation { state.responses[target] = ready }
    }
    return ready
  }
}
