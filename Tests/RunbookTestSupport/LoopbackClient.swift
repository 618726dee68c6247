import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A bare HTTP/1.1 client over a socket on loopback, for the tests and the benchmark of
/// `runbook serve`: it sees what a browser would, and talks to nothing but 127.0.0.1.
public struct LoopbackClient: Sendable {
  public let port: Int

  public init(port: Int) {
    self.port = port
  }

  /// A connected socket to 127.0.0.1:`port`, or nil when nothing listens; the caller closes it.
  public func connect() -> Int32? {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return nil }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      close(descriptor)
      return nil
    }
    return descriptor
  }

  /// Sends one request and reads until the connection closes or `until` holds, for at most
  /// `timeout` seconds; "" when nothing listens.
  public func exchange(
    _ request: String, timeout: TimeInterval = 3, until: (String) -> Bool = { _ in false }
  ) -> String {
    guard let descriptor = connect() else { return "" }
    defer { close(descriptor) }
    var wait = timeval(tv_sec: 0, tv_usec: 100_000)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
    _ = request.withCString { send(descriptor, $0, strlen($0), 0) }
    var received = Data()
    let deadline = Date().addingTimeInterval(timeout)
    var buffer = [UInt8](repeating: 0, count: 65536)
    while Date() < deadline {
      let count = recv(descriptor, &buffer, buffer.count, 0)
      if count == 0 { break }
      if count > 0 {
        received.append(contentsOf: buffer[0..<count])
        if until(String(decoding: received, as: UTF8.self)) { break }
      }
    }
    return String(decoding: received, as: UTF8.self)
  }

  /// One GET, the connection closed after it.
  public func get(_ path: String) -> String {
    exchange("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
  }

  /// One POST of a JSON body, as a page of the server sends it, the connection closed after
  /// it; `headers` are added lines (`X-Runbook-Token: …`).
  public func post(
    _ path: String, json: String, headers: [String] = [], timeout: TimeInterval = 10
  ) -> String {
    let extra = headers.map { $0 + "\r\n" }.joined()
    return exchange(
      "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
        + "Content-Length: \(json.utf8.count)\r\n\(extra)Connection: close\r\n\r\n\(json)",
      timeout: timeout)
  }
}
