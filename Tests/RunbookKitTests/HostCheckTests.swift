import Foundation
import Testing

@testable import RunbookKit

/// Which `Host` headers `runbook serve` answers: DNS rebinding gets 421, header by header.
@Suite struct HostCheckTests {
  let check = HostCheck(host: "127.0.0.1", allowHosts: ["runbooks.test"])

  @Test(arguments: [
    "localhost", "localhost:8000", "LOCALHOST:8000", "localhost.", "127.0.0.1", "127.0.0.1:8000",
    "127.5.6.7:80", "[::1]", "[::1]:8000", "::1", "[0:0:0:0:0:0:0:1]:8000",
    "[::ffff:127.0.0.1]:8000",
    "runbooks.test", "Runbooks.Test:8000", "",
  ])
  func loopbackAndAllowedNamesAreAnswered(host: String) {
    #expect(check.refusal(hostHeaders: [host]) == nil)
  }

  @Test func aRequestWithoutHostIsAnswered() {
    #expect(check.refusal(hostHeaders: []) == nil)
  }

  // The attacker's own name, pointed at 127.0.0.1, and names that only look local.
  @Test(arguments: [
    ("evil.example", "evil.example"), ("evil.example:8000", "evil.example"),
    ("localhost.evil.example:8000", "localhost.evil.example"),
    ("127.0.0.1.nip.io", "127.0.0.1.nip.io"), ("10.0.0.5:8000", "10.0.0.5"),
    ("128.0.0.1", "128.0.0.1"), ("[::2]:8000", "::2"), ("runbooks.test.evil", "runbooks.test.evil"),
  ])
  func otherNamesGetMisdirectedRequest(host: String, shown: String) throws {
    let response = try #require(check.refusal(hostHeaders: [host]))
    #expect(response.status == 421)
    #expect(
      response.headers == [
        "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff", "Content-Length": String(response.body.count),
      ])
    #expect(
      String(decoding: response.body, as: UTF8.self)
        == "runbook serve answers only for this machine's names and addresses, not for the host \(shown) (a defence against DNS rebinding).\n  fix: if you opened that name yourself, restart with --allow-host \(shown)\n"
    )
  }

  // A header that is no host name is refused without being repeated; so are two Host headers.
  @Test(arguments: [
    ["evil<script>.example"], ["localhost:80:80"], ["[::1"], ["localhost:http"],
    ["localhost", "evil.example"],
  ])
  func malformedHostsAreRefusedWithoutQuotingThem(headers: [String]) throws {
    let response = try #require(check.refusal(hostHeaders: headers))
    #expect(response.status == 421)
    #expect(
      String(decoding: response.body, as: UTF8.self)
        == "runbook serve answers only for this machine's names and addresses, not for the host this request names (a defence against DNS rebinding).\n  fix: if you opened that name yourself, restart with --allow-host NAME\n"
    )
  }

  @Test func theHostValueAndTheAddressesListenedOnAreAnswered() {
    let named = HostCheck(host: "devbox.lan")
    #expect(named.refusal(hostHeaders: ["devbox.lan:8000"]) == nil)
    #expect(named.refusal(hostHeaders: ["otherbox.lan:8000"])?.status == 421)

    let everywhere = HostCheck(host: "0.0.0.0", localAddresses: ["192.168.1.20", "fe80::1"])
    #expect(everywhere.refusal(hostHeaders: ["192.168.1.20:8000"]) == nil)
    #expect(everywhere.refusal(hostHeaders: ["[fe80::1]:8000"]) == nil)
    #expect(everywhere.refusal(hostHeaders: ["192.168.1.21:8000"])?.status == 421)

    // The address a connection reached is the server's own, whatever --host said.
    #expect(check.refusal(hostHeaders: ["10.1.2.3:8000"], connectedTo: "10.1.2.3") == nil)
    #expect(check.refusal(hostHeaders: ["10.1.2.3:8000"], connectedTo: "10.1.2.4")?.status == 421)
  }

  @Test func wildcardHostsListenEverywhere() {
    #expect(
      ["0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", "", "127.0.0.1", "::1", "localhost"].map(
        HostCheck.isWildcard) == [true, true, true, true, true, false, false, false])
  }

  @Test func interfaceAddressesIncludeLoopback() {
    #expect(HostCheck.interfaceAddresses().contains("127.0.0.1"))
  }
}
