import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Which `Host` headers `runbook serve` answers: the defence against DNS rebinding, where a page
/// of another site points its own name at 127.0.0.1 and has the browser read this server as
/// that site.
///
/// Answered: requests without `Host` (HTTP/1.0); loopback names and addresses (`localhost`,
/// `127.0.0.0/8`, `::1`); the `--host` value; the addresses the server listens on (every local
/// address when it listens on all of them); the names given with `--allow-host`. Others get
/// 421 Misdirected Request. Decided without a server library, so that it is tested header by
/// header.
public struct HostCheck: Sendable, Equatable {
  /// Allowed names and addresses as `name(ofHeader:)` gives them: lowercased, without brackets,
  /// port or trailing dot, addresses in their canonical form.
  public let allowed: Set<String>

  /// - Parameters:
  ///   - host: the `--host` value the server listens on.
  ///   - allowHosts: the `--allow-host` names.
  ///   - localAddresses: the addresses of the interfaces the server listens on.
  public init(host: String, allowHosts: [String] = [], localAddresses: [String] = []) {
    allowed = Set(([host] + allowHosts + localAddresses).compactMap(Self.name(ofHeader:)))
  }

  /// Whether `--host` listens on every interface (then every local address is allowed).
  public static func isWildcard(_ host: String) -> Bool {
    ["", "0.0.0.0", "::", "[::]"].contains(host) || Self.canonical(host) == "::"
  }

  /// nil when a request with these `Host` header values is answered; otherwise the 421 to send.
  /// `connectedTo` is the local address the request's connection reached.
  public func refusal(hostHeaders: [String], connectedTo local: String? = nil) -> HTTPResponse? {
    guard let header = hostHeaders.first else { return nil }
    let name = hostHeaders.count == 1 ? Self.name(ofHeader: header) : nil
    if let name {
      if name.isEmpty || Self.isLoopback(name) || allowed.contains(name) { return nil }
      if let local, Self.name(ofHeader: local) == name { return nil }
    }
    return Self.misdirected(name)
  }

  /// The 421 answer: says which name was refused (when it is a plain name) and how to allow it.
  static func misdirected(_ name: String?) -> HTTPResponse {
    let plain = Set("abcdefghijklmnopqrstuvwxyz0123456789.-:")
    let shown = name.flatMap { name in
      !name.isEmpty && name.count <= 253 && name.allSatisfy(plain.contains) ? name : nil
    }
    let text =
      "runbook serve answers only for this machine's names and addresses, not for "
      + (shown.map { "the host \($0)" } ?? "the host this request names")
      + " (a defence against DNS rebinding).\n"
      + "  fix: if you opened that name yourself, restart with --allow-host \(shown ?? "NAME")\n"
    return HTTPResponse(
      status: 421,
      headers: [
        "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff", "Content-Length": String(text.utf8.count),
      ],
      body: Data(text.utf8))
  }

  /// The name of a `Host` header: lowercased, without its port, brackets or trailing dot, an
  /// address in its canonical form; "" for an empty header; nil when it is not a host and port.
  public static func name(ofHeader header: String) -> String? {
    let value = header.trimmingCharacters(in: .whitespaces)
    var name: Substring
    var port: Substring = ""
    if value.hasPrefix("[") {
      guard let close = value.firstIndex(of: "]") else { return nil }
      name = value[value.index(after: value.startIndex)..<close]
      let rest = value[value.index(after: close)...]
      guard rest.isEmpty || rest.hasPrefix(":") else { return nil }
      port = rest.dropFirst()
      guard canonical(String(name)).map({ $0.contains(":") }) == true else { return nil }
    } else {
      let parts = value.split(separator: ":", omittingEmptySubsequences: false)
      if parts.count > 2 {
        // An IPv6 address without brackets: only as written by --host or a local address.
        guard canonical(value).map({ $0.contains(":") }) == true else { return nil }
        return canonical(value)
      }
      name = parts[0]
      port = parts.count == 2 ? parts[1] : ""
    }
    guard port.allSatisfy(\.isASCII) && port.allSatisfy(\.isNumber) else { return nil }
    var lowered = name.lowercased()
    if lowered.hasSuffix(".") { lowered.removeLast() }
    return canonical(lowered) ?? lowered
  }

  /// An IPv4 or IPv6 address in its canonical form (`::1` for `0:0:0:0:0:0:0:1`); nil for names.
  static func canonical(_ text: String) -> String? {
    var v4 = in_addr()
    if inet_pton(AF_INET, text, &v4) == 1 { return text }
    var v6 = in6_addr()
    guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
    guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil else { return nil }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// `localhost`, an address of `127.0.0.0/8` (also as `::ffff:127.x.y.z`), or `::1`.
  public static func isLoopback(_ name: String) -> Bool {
    if name == "localhost" || name == "::1" { return true }
    var v4 = in_addr()
    let text = name.hasPrefix("::ffff:") ? String(name.dropFirst(7)) : name
    guard inet_pton(AF_INET, text, &v4) == 1 else { return false }
    return UInt32(bigEndian: v4.s_addr) >> 24 == 127
  }

  /// Every address of this machine's interfaces, as `getifaddrs` lists them.
  public static func interfaceAddresses() -> [String] {
    var first: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&first) == 0 else { return [] }
    defer { freeifaddrs(first) }
    var result: [String] = []
    var next = first
    while let entry = next {
      defer { next = entry.pointee.ifa_next }
      guard let address = entry.pointee.ifa_addr else { continue }
      let family = Int32(address.pointee.sa_family)
      guard family == AF_INET || family == AF_INET6 else { continue }
      var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
      let length = socklen_t(
        family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
      guard
        getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0
      else { continue }
      // A link-local IPv6 address carries its interface: `fe80::1%eth0`.
      let text = String(
        decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      result.append(String(text.prefix { $0 != "%" }))
    }
    return result
  }
}
