import Foundation

/// Where a problem is: a path relative to the runbook root, and a 1-based line and column.
///
/// A line or column of 0 means unknown and is left out of the description.
public struct SourceLocation: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
  public var path: String
  public var line: Int
  public var column: Int
  /// Where a DocFX include pulled this text in: `page.md:5`, or nil.
  public var includedFrom: String?

  public init(path: String, line: Int = 0, column: Int = 0, includedFrom: String? = nil) {
    self.path = path
    self.line = line
    self.column = column
    self.includedFrom = includedFrom
  }

  public var description: String {
    guard line > 0 else { return path }
    return column > 0 ? "\(path):\(line):\(column)" : "\(path):\(line)"
  }

  public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
    (a.path, a.line, a.column) < (b.path, b.line, b.column)
  }
}

/// A problem in the runbook's own files, located precisely enough to fix.
///
/// Printed the way compilers print, so editors and CI logs jump to it:
/// `path:line:column: error: what is wrong` and, on the next line, `  fix: what to do`.
public struct Diagnostic: Error, Sendable, Hashable, Codable, CustomStringConvertible {
  public enum Severity: String, Sendable, Hashable, Codable {
    /// What a build did that an author may want to know; never an error, even with `--strict`.
    case error, warning, note
  }

  public var severity: Severity
  public var location: SourceLocation
  /// What is wrong, quoting the value found.
  public var message: String
  /// One concrete next step.
  public var fix: String?

  public init(
    _ severity: Severity = .error, at location: SourceLocation, _ message: String,
    fix: String? = nil
  ) {
    self.severity = severity
    self.location = location
    self.message = message
    self.fix = fix
  }

  public static func error(at location: SourceLocation, _ message: String, fix: String? = nil)
    -> Diagnostic
  {
    Diagnostic(.error, at: location, message, fix: fix)
  }

  public static func warning(at location: SourceLocation, _ message: String, fix: String? = nil)
    -> Diagnostic
  {
    Diagnostic(.warning, at: location, message, fix: fix)
  }

  public static func note(at location: SourceLocation, _ message: String, fix: String? = nil)
    -> Diagnostic
  {
    Diagnostic(.note, at: location, message, fix: fix)
  }

  /// Text from an include says where it was pulled in first, as compilers print it.
  public var description: String {
    (location.includedFrom.map { "In file included from \($0):\n" } ?? "")
      + "\(location): \(severity.rawValue): \(message)" + (fix.map { "\n  fix: \($0)" } ?? "")
  }

  /// A warning as an error, what `--strict` does to warnings; errors and notes stay as they are.
  public var promotedToError: Diagnostic {
    var copy = self
    if severity == .warning { copy.severity = .error }
    return copy
  }
}

/// Diagnostics that stop a stage of the pipeline, sorted by file and line.
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
  public var diagnostics: [Diagnostic]

  public init(_ diagnostics: [Diagnostic]) {
    self.diagnostics = diagnostics.sortedByLocation()
  }

  public var description: String {
    diagnostics.map(\.description).joined(separator: "\n")
  }
}

extension Array where Element == Diagnostic {
  /// Sorted by file, line and column; stable for equal locations.
  public func sortedByLocation() -> [Diagnostic] {
    enumerated().sorted { a, b in
      a.element.location == b.element.location
        ? a.offset < b.offset : a.element.location < b.element.location
    }.map(\.element)
  }

  public var hasErrors: Bool { contains { $0.severity == .error } }
  public var errors: [Diagnostic] { filter { $0.severity == .error } }
  public var warnings: [Diagnostic] { filter { $0.severity == .warning } }
}

/// Text for a terminal: control characters (ESC, BEL, NUL…), bidi controls and other invisible
/// format characters are shown as `<U+001B>` instead of being sent, so that no file or value a
/// message quotes can set the title, clear the screen or reorder what the reader sees. Line
/// breaks and tabs stay.
public enum TerminalText {
  public static func safe(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var result = ""
    for scalar in text.unicodeScalars {
      if needsEscape(scalar) {
        result += "<\(codePoint(scalar))>"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// `U+001B`: how a message names a character it must not show.
  public static func codePoint(_ scalar: Unicode.Scalar) -> String {
    let code = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - code.count)) + code
  }

  private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == "\n" || scalar == "\t" { return false }
    switch scalar.properties.generalCategory {
    case .control, .format, .lineSeparator, .paragraphSeparator: return true
    default: return false
    }
  }
}

/// An error in words a user can act on: "No space left on device", "File name too long", not
/// Foundation's "The operation could not be completed (error 512)".
public enum ErrorReason {
  public static func of(_ error: any Error) -> String {
    if let described = (error as? any LocalizedError)?.errorDescription,
      !(error is CocoaError)
    {
      return described
    }
    let ns = error as NSError
    var underlying: NSError? = ns
    while let current = underlying {
      if current.domain == NSPOSIXErrorDomain, let code = Int32(exactly: current.code) {
        let path = (ns.userInfo[NSFilePathErrorKey] as? String).map { " (\($0))" } ?? ""
        return String(cString: strerror(code)) + path
      }
      underlying = current.userInfo[NSUnderlyingErrorKey] as? NSError
    }
    if let path = ns.userInfo[NSFilePathErrorKey] as? String {
      return "the file system refused \(path)"
    }
    return ns.localizedDescription
  }
}
