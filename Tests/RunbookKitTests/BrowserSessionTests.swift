import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookKit

/// The headless Chromium that `runbook pdf` prints through.
@Suite struct BrowserSessionTests {
  // A benchmark run of 21 `runbook pdf` sessions left 21 org.chromium.Chromium.* folders and 3
  // runbook-chromium-* profiles in the temporary folder: Chromium makes the first there (its
  // singleton socket, linked from the profile) and leaves it when stopped, and its renderers
  // wrote in the profile after it had been removed.
  @Test(
    .enabled(
      if: ReaderBrowserTests.chromiumInstalled,
      "chromium is not installed (scripts/setup --test)"))
  func aSessionLeavesNothingInTheTemporaryFolder() throws {
    let temporary = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-temporary-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: temporary) }
    let chromium = URL(fileURLWithPath: try #require(TestRunbook.executable("chromium")))
    var sockets: [String] = []
    for _ in 0..<3 {
      let browser = try BrowserSession(browser: chromium, temporary: temporary)
      let page = try browser.openPage(try #require(URL(string: "about:blank")))
      #expect(try browser.evaluate("6 * 7", in: page) as? Int == 42)
      // Chromium's singleton socket, in a folder of its own temporary folder (TMPDIR, not
      // `temporary`, which holds only the profile).
      let socket = try FileManager.default.destinationOfSymbolicLink(
        atPath: browser.profile.appendingPathComponent("SingletonSocket").path)
      #expect(socket.contains("/org.chromium.Chromium."))
      sockets.append((socket as NSString).deletingLastPathComponent)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path) == [])
    #expect(sockets.count == 3)
    #expect(sockets.filter { FileManager.default.fileExists(atPath: $0) } == [])
  }
}
