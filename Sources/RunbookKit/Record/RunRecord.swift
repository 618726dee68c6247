import CCrypto
import Foundation

/// One event of an operator's run (README, "The run record"): a step ticked or unticked, or a
/// note written, by whom and when. A record is a list of them; a step's state is its latest.
///
/// The same shape everywhere: in the browser's localStorage, in an exported file, in `serve`'s
/// SQLite store, and in what `runbook pdf --record` prints.
public struct RecordEvent: Codable, Sendable, Hashable {
  public enum Kind: String, Codable, Sendable {
    case tick, untick, note
  }

  public var type: Kind
  /// `page/stage/N`: the step's key, as its tick box names it.
  public var step: String
  /// The step's source hash when the event was made (`StepSource.hash`): a tick of a step
  /// whose text changed since is shown as such, and not counted done. Empty when not known
  /// (events of a browser from before the hash was kept).
  public var source: String
  public var `operator`: String
  /// When the recording machine says it happened (ISO 8601).
  public var time: String
  /// A note's text; empty for ticks.
  public var text: String
  /// When `serve` received it (ISO 8601, the server's clock); empty elsewhere.
  public var received: String

  public init(
    type: Kind, step: String, source: String = "", operator: String, time: String,
    text: String = "", received: String = ""
  ) {
    self.type = type
    self.step = step
    self.source = source
    self.operator = `operator`
    self.time = time
    self.text = text
    self.received = received
  }

  /// Missing optional fields read as empty: files of version 1 had no `source`.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    type = try container.decode(Kind.self, forKey: .type)
    step = try container.decode(String.self, forKey: .step)
    source = try container.decodeIfPresent(String.self, forKey: .source) ?? ""
    `operator` = try container.decodeIfPresent(String.self, forKey: .operator) ?? ""
    time = try container.decode(String.self, forKey: .time)
    text = try container.decodeIfPresent(String.self, forKey: .text) ?? ""
    received = try container.decodeIfPresent(String.self, forKey: .received) ?? ""
  }

  /// Two events are the same event when all but the server's receipt time agree: an import, or
  /// a browser sending again what the server already has, adds nothing.
  public var identity: [String] { [type.rawValue, step, source, `operator`, time, text] }
}

/// What one event may hold: names and notes are bounded (the browser cuts them to these too).
public enum RecordLimits {
  public static let operatorLength = 80
  public static let noteLength = 2000
  public static let stepLength = 300
  /// Events in one request to `serve`, and the bytes of its body.
  public static let eventsPerRequest = 500
  public static let requestBytes = 512 * 1024
}

extension RecordEvent {
  /// Why the event cannot go into a record, or nil when it can.
  public var problem: String? {
    if step.isEmpty || step.count > RecordLimits.stepLength || step.contains(where: \.isControl) {
      return
        "a step key must be 1 to \(RecordLimits.stepLength) characters with no control characters"
    }
    if !source.isEmpty && !StepSource.isHash(source) {
      return "a step's source must be \(StepSource.length) lowercase hex digits"
    }
    if `operator`.count > RecordLimits.operatorLength || `operator`.contains(where: \.isControl) {
      return
        "an operator's name must be at most \(RecordLimits.operatorLength) characters with no control characters"
    }
    if text.count > RecordLimits.noteLength {
      return "a note must be at most \(RecordLimits.noteLength) characters"
    }
    // SQLite's text reads back up to a NUL (GRDB), and a terminal obeys ESC: a note keeps its
    // line breaks and tabs, and no other control character.
    if text.unicodeScalars.contains(where: { $0.isControlInNote }) {
      return "a note may hold line breaks and tabs but no other control characters"
    }
    if type != .note && !text.isEmpty { return "only a note has text" }
    if RecordTime.date(time) == nil {
      return "a time must be ISO 8601, such as 2026-11-28T14:05:00.000Z"
    }
    return nil
  }
}

extension Character {
  /// C0 and C1 controls, bidirectional overrides and isolates: nothing a name or key needs
  /// (line breaks are allowed in notes only, which this does not check).
  fileprivate var isControl: Bool {
    unicodeScalars.contains { scalar in
      scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
        || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }
  }
}

extension Unicode.Scalar {
  /// C0 and C1 controls other than tab, line feed and carriage return.
  fileprivate var isControlInNote: Bool {
    (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D)
      || (0x7F...0x9F).contains(value)
  }
}

/// Record times: ISO 8601 in UTC, with or without milliseconds (browsers write them).
public enum RecordTime {
  public static func date(_ text: String) -> Date? {
    fractional.withLock { $0.date(from: text) } ?? whole.withLock { $0.date(from: text) }
  }

  public static func string(_ date: Date) -> String {
    fractional.withLock { $0.string(from: date) }
  }

  private static let fractional = LockedFormatter(options: [
    .withInternetDateTime, .withFractionalSeconds,
  ])
  private static let whole = LockedFormatter(options: [.withInternetDateTime])
}

/// ISO8601DateFormatter is not Sendable: one per kind, used under a lock.
private final class LockedFormatter: @unchecked Sendable {
  private let formatter = ISO8601DateFormatter()
  private let lock = NSLock()

  init(options: ISO8601DateFormatter.Options) { formatter.formatOptions = options }

  func withLock<T>(_ body: (ISO8601DateFormatter) -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    return body(formatter)
  }
}

/// A deployment's record as a file: what the browser exports and imports, what `runbook record
/// export` writes and `runbook pdf --record-file` reads.
public struct RecordFile: Codable, Sendable, Equatable {
  public static let schemaName = "runbook-record"
  /// 2: events carry their step's `source`. Version 1 files read as events without it.
  public static let currentVersion = 2

  public var schema = RecordFile.schemaName
  public var version = RecordFile.currentVersion
  public var runbook: String
  public var deployment: String
  public var exported: String
  public var events: [RecordEvent]

  public init(runbook: String, deployment: String, exported: String, events: [RecordEvent]) {
    self.runbook = runbook
    self.deployment = deployment
    self.exported = exported
    self.events = events
  }

  /// The file as it is written: sorted keys, two-space indent, a final newline.
  public func encoded() -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Encoding plain strings and arrays cannot fail.
    return ((try? encoder.encode(self)) ?? Data()) + Data("\n".utf8)
  }

  /// Reads an exported record of `deployment` of runbook `runbook`; errors name the file.
  public static func read(_ url: URL, display: String, runbook: String, deployment: String)
    throws(DiagnosticError) -> RecordFile
  {
    let at = SourceLocation(path: display)
    func failure(_ message: String, fix: String) -> DiagnosticError {
      DiagnosticError([.error(at: at, message, fix: fix)])
    }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw failure(
        "cannot read the record: \(ErrorReason.of(error))",
        fix:
          "give the file the overview's 'Export the record' saved, or use --record for serve's record"
      )
    }
    let shape: RecordFile
    do {
      shape = try JSONDecoder().decode(RecordFile.self, from: data)
    } catch {
      throw failure(
        "this is not a runbook record (\(Self.reason(error, in: data)))",
        fix:
          "give the file the overview's 'Export the record' saved, or 'runbook record export' wrote"
      )
    }
    guard shape.schema == schemaName else {
      throw failure(
        "this is not a runbook record: its schema is '\(TerminalText.safe(shape.schema))', not '\(schemaName)'",
        fix: "give the file the overview's 'Export the record' saved")
    }
    guard shape.version <= currentVersion else {
      throw failure(
        "this record was written by a newer runbook (version \(shape.version); this one reads up to \(currentVersion))",
        fix: "update runbook, or export the record again from this runbook's site")
    }
    guard shape.runbook == runbook, shape.deployment == deployment else {
      throw failure(
        "this is the record of \(TerminalText.safe(shape.deployment)) (\(TerminalText.safe(shape.runbook))), not of \(deployment) (\(runbook))",
        fix: "give the record exported from \(deployment)'s site")
    }
    for (index, event) in shape.events.enumerated() {
      if let problem = event.problem {
        throw failure(
          "event \(index + 1) cannot be printed: \(problem)",
          fix: "export the record again from the site; do not edit it by hand")
      }
    }
    return shape
  }

  /// What went wrong in a decoding error, in a line: where, and what.
  static func reason(_ error: any Error, in data: Data) -> String {
    guard let error = error as? DecodingError else { return ErrorReason.of(error) }
    switch error {
    case .dataCorrupted(let context) where context.codingPath.isEmpty:
      // JSONDecoder says only that it is not JSON; JSONSerialization says what is wrong.
      do {
        _ = try JSONSerialization.jsonObject(with: data)
        return "not JSON"
      } catch {
        let what = (error as NSError).userInfo["NSDebugDescription"] as? String
        return what.map { "not JSON: \($0)" } ?? "not JSON"
      }
    case .dataCorrupted(let context):
      return "'\(Self.path(context.codingPath))' is not valid"
    case .keyNotFound(let key, let context):
      return "'\(Self.path(context.codingPath + [key]))' is missing"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      return "'\(Self.path(context.codingPath))' has the wrong type"
    @unknown default:
      return "\(error)"
    }
  }

  private static func path(_ keys: [any CodingKey]) -> String {
    keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
      .trimmingPrefix(".").description
  }
}

/// A step's identity beside its key: the hash of its source markdown (as cmark writes it back,
/// before any value replaces a sample name, without its validation note). A deployment's values
/// can change without voiding its ticks; a change to the step's text shows as "changed since
/// ticked".
public enum StepSource {
  /// Hex digits kept: the first 64 bits of the SHA-256, which is plenty to tell two versions of
  /// one step apart and keeps pages small (every page lists every step's hash).
  public static let length = 16

  public static func hash(_ markdown: String) -> String {
    String(SHA256.hex(markdown).prefix(length))
  }

  static func isHash(_ text: String) -> Bool {
    text.utf8.count == length
      && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
  }
}

/// SHA-256 through libcrypto.
public enum SHA256 {
  public static func hex(_ text: String) -> String {
    var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBufferPointer { buffer in
      _ = CCrypto.SHA256(buffer.baseAddress, buffer.count, &digest)
    }
    return digest.map { byte in
      let hex = String(byte, radix: 16)
      return byte < 16 ? "0" + hex : hex
    }.joined()
  }
}
