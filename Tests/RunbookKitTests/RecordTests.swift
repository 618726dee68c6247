import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookKit

/// The run record's model (issue #14): a step's identity, events and record files.
@Suite struct RecordTests {
  @Test func sha256IsTheStandardOne() {
    // FIPS 180-2's examples.
    #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  /// The data-source of every tick box of a built site, by step key.
  static func sources(of site: URL) throws -> [String: String] {
    var sources: [String: String] = [:]
    let files = try FileManager.default.subpathsOfDirectory(atPath: site.path)
    for file in files where file.hasSuffix(".html") && file.contains("/") {
      let html = try String(contentsOf: site.appendingPathComponent(file), encoding: .utf8)
      for part in html.components(separatedBy: "class=\"verify-box\" data-step=\"").dropFirst() {
        let key = part.prefix { $0 != "\"" }
        let source = part.components(separatedBy: "data-source=\"")[1].prefix { $0 != "\"" }
        sources[String(key)] = String(source)
      }
    }
    return sources
  }

  static func build(_ root: URL) throws -> URL {
    let output = root.appendingPathComponent("Output")
    let report = SiteBuilder(
      options: BuildOptions(location: RunbookLocation(root: root), buildDate: "2026-01-01")
    ).build(into: OutputWriter(folder: output))
    #expect(report.diagnostics.errors.isEmpty, "\(report.diagnostics)")
    return output
  }

  // A step's identity is its key and the hash of its source: the same for every deployment
  // (values do not void ticks) and after a change to its note; another after a change to its
  // text, and only for that step.
  @Test func aStepsSourceHashFollowsItsTextNotItsValuesOrNote() throws {
    let root = try TestRunbook.copy(output: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let before = try Self.build(root)
    let fabrikam = try Self.sources(of: before.appendingPathComponent("fabrikam"))
    let contoso = try Self.sources(of: before.appendingPathComponent("contoso"))
    #expect(fabrikam.count == 30)
    #expect(fabrikam == contoso)
    #expect(Set(fabrikam.values).allSatisfy { StepSource.isHash($0) })

    let stage = "install-mim-service-portal/configure-mim-service-and-portal-for-installation"
    // The step's source as cmark writes it back, hashed: what the page carries.
    let page = root.appendingPathComponent("Content/pages/install-mim-service-portal.md")
    let markdown = try String(contentsOf: page, encoding: .utf8)
    #expect(markdown.contains("2. In the welcome screen, click **Next**."))
    #expect(fabrikam["\(stage)/2"] == StepSource.hash("In the welcome screen, click **Next**.\n"))

    // A note changes: no step's identity does.
    let checks = root.appendingPathComponent("Content/checks/install-mim-service-portal.yml")
    let notes = try String(contentsOf: checks, encoding: .utf8)
    try notes.replacingOccurrences(
      of: "The **End-User License Agreement** page follows.",
      with: "The **End-User License Agreement** page comes next."
    ).write(to: checks, atomically: true, encoding: .utf8)
    #expect(try Self.sources(of: Self.build(root).appendingPathComponent("fabrikam")) == fabrikam)

    // Step 2's text changes: its hash does, and no other.
    try markdown.replacingOccurrences(
      of: "2. In the welcome screen, click **Next**.",
      with: "2. In the welcome screen, select **Next**."
    ).write(to: page, atomically: true, encoding: .utf8)
    let after = try Self.sources(of: Self.build(root).appendingPathComponent("fabrikam"))
    #expect(after["\(stage)/2"] == StepSource.hash("In the welcome screen, select **Next**.\n"))
    #expect(after.filter { fabrikam[$0.key] != $0.value }.keys.sorted() == ["\(stage)/2"])
  }

  @Test(
    arguments: [
      (
        RecordEvent(type: .tick, step: "p/s/1", operator: "Ann", time: "2026-11-28T14:05:00.000Z"),
        nil
      ),
      (
        RecordEvent(
          type: .tick, step: "p/s/1", source: "0123456789abcdef", operator: "",
          time: "2026-11-28T14:05:00Z"),
        nil
      ),
      (
        RecordEvent(
          type: .note, step: "p/s/1", operator: "Ann", time: "2026-11-28T14:05:00Z",
          text: "CHG0042\nseen"),
        nil
      ),
      (
        RecordEvent(type: .tick, step: "", operator: "Ann", time: "2026-11-28T14:05:00Z"),
        "a step key must be 1 to 300 characters with no control characters"
      ),
      (
        RecordEvent(
          type: .tick, step: "p/s/1", source: "XYZ", operator: "Ann", time: "2026-11-28T14:05:00Z"),
        "a step's source must be 16 lowercase hex digits"
      ),
      (
        RecordEvent(
          type: .tick, step: "p/s/1", operator: "Ann\u{202E}nimda", time: "2026-11-28T14:05:00Z"),
        "an operator's name must be at most 80 characters with no control characters"
      ),
      (
        RecordEvent(
          type: .tick, step: "p/s/1", operator: String(repeating: "a", count: 81),
          time: "2026-11-28T14:05:00Z"),
        "an operator's name must be at most 80 characters with no control characters"
      ),
      (
        RecordEvent(
          type: .note, step: "p/s/1", operator: "Ann", time: "2026-11-28T14:05:00Z",
          text: String(repeating: "n", count: 2001)),
        "a note must be at most 2000 characters"
      ),
      (
        RecordEvent(
          type: .note, step: "p/s/1", operator: "Ann", time: "2026-11-28T14:05:00Z",
          text: "seen\tok\r\nCHG\u{0}42"),
        "a note may hold line breaks and tabs but no other control characters"
      ),
      (
        RecordEvent(
          type: .note, step: "p/s/1", operator: "Ann", time: "2026-11-28T14:05:00Z",
          text: "\u{1B}]0;pwned\u{07}\u{9B}2J"),
        "a note may hold line breaks and tabs but no other control characters"
      ),
      (
        RecordEvent(
          type: .tick, step: "p/s/1", operator: "Ann", time: "2026-11-28T14:05:00Z", text: "x"),
        "only a note has text"
      ),
      (
        RecordEvent(type: .tick, step: "p/s/1", operator: "Ann", time: "yesterday"),
        "a time must be ISO 8601, such as 2026-11-28T14:05:00.000Z"
      ),
    ] as [(RecordEvent, String?)])
  func eventsAreBounded(event: RecordEvent, problem: String?) {
    #expect(event.problem == problem)
  }

  static let fabrikamTick = RecordEvent(
    type: .tick, step: "install-mim-service-portal/before-you-begin/1", source: "9f28585d2c254f28",
    operator: "Ann Operator", time: "2026-11-28T14:05:00.000Z")

  @Test func aRecordFileRoundTripsAndVersionOneStillReads() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-record-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("fabrikam-record.json")
    let record = RecordFile(
      runbook: "install-mim-2016-service-and-portal", deployment: "fabrikam",
      exported: "2026-11-28T15:00:00.000Z", events: [Self.fabrikamTick])
    try record.encoded().write(to: file)
    #expect(
      String(decoding: try Data(contentsOf: file), as: UTF8.self) == """
        {
          "deployment" : "fabrikam",
          "events" : [
            {
              "operator" : "Ann Operator",
              "received" : "",
              "source" : "9f28585d2c254f28",
              "step" : "install-mim-service-portal/before-you-begin/1",
              "text" : "",
              "time" : "2026-11-28T14:05:00.000Z",
              "type" : "tick"
            }
          ],
          "exported" : "2026-11-28T15:00:00.000Z",
          "runbook" : "install-mim-2016-service-and-portal",
          "schema" : "runbook-record",
          "version" : 2
        }

        """)
    #expect(
      try RecordFile.read(
        file, display: "fabrikam-record.json", runbook: "install-mim-2016-service-and-portal",
        deployment: "fabrikam") == record)

    // What browsers exported before events kept their step's source.
    try Data(
      """
      {"schema": "runbook-record", "version": 1, "runbook": "install-mim-2016-service-and-portal",
       "deployment": "fabrikam", "exported": "2026-11-28T15:00:00.000Z",
       "events": [{"type": "tick", "step": "install-mim-service-portal/before-you-begin/1",
                   "operator": "Ann Operator", "time": "2026-11-28T14:05:00.000Z"}]}
      """.utf8
    ).write(to: file)
    let old = try RecordFile.read(
      file, display: "fabrikam-record.json", runbook: "install-mim-2016-service-and-portal",
      deployment: "fabrikam")
    var unsourced = Self.fabrikamTick
    unsourced.source = ""
    #expect(old.version == 1 && old.events == [unsourced])
  }

  @Test(arguments: [
    (
      "{\"schema\": \"runbook-record\",",
      "fabrikam-record.json: error: this is not a runbook record (not JSON: Unexpected end of file during JSON parse.)\n  fix: give the file the overview's 'Export the record' saved, or 'runbook record export' wrote"
    ),
    (
      "{\"schema\": \"runbook-record\", \"version\": 2, \"runbook\": \"install-mim-2016-service-and-portal\", \"deployment\": \"fabrikam\", \"exported\": \"x\"}",
      "fabrikam-record.json: error: this is not a runbook record ('events' is missing)\n  fix: give the file the overview's 'Export the record' saved, or 'runbook record export' wrote"
    ),
    (
      "{\"schema\": \"other\", \"version\": 2, \"runbook\": \"install-mim-2016-service-and-portal\", \"deployment\": \"fabrikam\", \"exported\": \"x\", \"events\": []}",
      "fabrikam-record.json: error: this is not a runbook record: its schema is 'other', not 'runbook-record'\n  fix: give the file the overview's 'Export the record' saved"
    ),
    (
      "{\"schema\": \"runbook-record\", \"version\": 3, \"runbook\": \"install-mim-2016-service-and-portal\", \"deployment\": \"fabrikam\", \"exported\": \"x\", \"events\": []}",
      "fabrikam-record.json: error: this record was written by a newer runbook (version 3; this one reads up to 2)\n  fix: update runbook, or export the record again from this runbook's site"
    ),
    (
      "{\"schema\": \"runbook-record\", \"version\": 2, \"runbook\": \"install-mim-2016-service-and-portal\", \"deployment\": \"contoso\", \"exported\": \"x\", \"events\": []}",
      "fabrikam-record.json: error: this is the record of contoso (install-mim-2016-service-and-portal), not of fabrikam (install-mim-2016-service-and-portal)\n  fix: give the record exported from fabrikam's site"
    ),
    (
      "{\"schema\": \"runbook-record\", \"version\": 2, \"runbook\": \"install-mim-2016-service-and-portal\", \"deployment\": \"fabrikam\", \"exported\": \"x\", \"events\": [{\"type\": \"tick\", \"step\": \"a/b/1\", \"operator\": \"Ann\", \"time\": \"noon\"}]}",
      "fabrikam-record.json: error: event 1 cannot be printed: a time must be ISO 8601, such as 2026-11-28T14:05:00.000Z\n  fix: export the record again from the site; do not edit it by hand"
    ),
  ])
  func aBadRecordFileSaysWhatItIs(text: String, message: String) throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-record-\(UUID().uuidString).json")
    try Data(text.utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let error = #expect(throws: DiagnosticError.self) {
      try RecordFile.read(
        file, display: "fabrikam-record.json", runbook: "install-mim-2016-service-and-portal",
        deployment: "fabrikam")
    }
    #expect(error?.description == message)
  }
}
