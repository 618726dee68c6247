import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookKit

/// Every broken input a new user might write, each in `Tests/Fixtures/invalid/<case>/`, with the
/// full report `runbook check` prints for it in `expected-error.txt`.
///
/// A case holds only what differs from the project: its `Content/` is laid over a copy of the
/// project's Content and Templates, whose own deployments are removed first, but for those a
/// case's `project-deployments.txt` names (one file name a line): a case reads them from the
/// project instead of copying them.
@Suite struct InvalidInputTests {
  static let cases =
    (try? FileManager.default.contentsOfDirectory(
      atPath: fixtures.appendingPathComponent("invalid").path))?.sorted() ?? []

  @Test func everyCaseIsThere() {
    #expect(
      Self.cases == [
        "broken-yaml", "duplicate-sample", "missing-value", "page-problems", "password-in-secret",
        "two-good-one-bad", "typo-key", "unknown-note", "wrong-host-form",
      ])
  }

  @Test(arguments: cases)
  func reportMatchesExpectedError(name: String) throws {
    let folder = fixtures.appendingPathComponent("invalid/\(name)")
    let root = try TestRunbook.copy(output: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let deployments = root.appendingPathComponent("Content/deployments")
    let kept =
      (try? String(
        contentsOf: folder.appendingPathComponent("project-deployments.txt"), encoding: .utf8))?
      .split(separator: "\n").map(String.init) ?? []
    for file in try FileManager.default.contentsOfDirectory(atPath: deployments.path)
    where !kept.contains(file) {
      try FileManager.default.removeItem(at: deployments.appendingPathComponent(file))
    }
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: deployments.path).sorted()
        == kept.sorted(),
      "project-deployments.txt names a file the project does not have")
    try Self.overlay(
      folder.appendingPathComponent("Content"), onto: root.appendingPathComponent("Content"))

    let report = SiteBuilder(
      options: BuildOptions(location: RunbookLocation(root: root), buildDate: "2026-01-01")
    ).build(into: nil)
    let printed =
      (report.diagnostics.map(\.description) + [report.summary(verb: "checked")])
      .joined(separator: "\n") + "\n"
    let expected = folder.appendingPathComponent("expected-error.txt")
    if ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1" {
      try printed.write(to: expected, atomically: true, encoding: .utf8)
      Issue.record(
        "RECORD_GOLDENS=1: rewrote \(name)/expected-error.txt; review it, then run the tests without it"
      )
      return
    }
    #expect(!report.succeeded)
    #expect(printed == (try String(contentsOf: expected, encoding: .utf8)))
  }

  /// Copies every file below `source` to the same place below `target`, replacing what is there.
  static func overlay(_ source: URL, onto target: URL) throws {
    for path in SiteTests.files(in: source) {
      let destination = target.appendingPathComponent(path)
      try FileManager.default.createDirectory(
        at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
      try? FileManager.default.removeItem(at: destination)
      try FileManager.default.copyItem(at: source.appendingPathComponent(path), to: destination)
    }
  }
}
