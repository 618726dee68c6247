import Foundation
import Yams

/// A YAML file parsed to Yams nodes, so that every value keeps the line and column it came from.
struct YAMLFile {
  /// The path shown in diagnostics, relative to the runbook root.
  var path: String
  var root: Node?

  /// Parses `text`; a syntax error becomes a diagnostic at the line and column Yams gives.
  init(path: String, text: String) throws(DiagnosticError) {
    self.path = path
    do {
      // Every value is read as text: the basic resolver skips the regular expressions that
      // sort plain scalars into numbers, dates and booleans, which we never ask for.
      // The encoding given, not `.default`, which reads the whole environment on every parse
      // (a tenth of a thousand-deployment rebuild).
      root = try Yams.compose(yaml: text, .basic, .default, .utf8)
    } catch let error as YamlError {
      throw DiagnosticError([Self.diagnostic(for: error, path: path)])
    } catch {
      throw DiagnosticError([.error(at: SourceLocation(path: path), "invalid YAML")])
    }
  }

  /// A deployment file's text; a file that cannot be read, or is not UTF-8, is an error at the
  /// first byte that is not (a file saved as Windows-1252 by an old editor).
  static func read(_ url: URL, path: String) throws(DiagnosticError) -> String {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw DiagnosticError([
        .error(
          at: SourceLocation(path: path), "cannot read the deployment file",
          fix: "check the path; deployment files live in Content/deployments/")
      ])
    }
    if let text = String(validating: data, as: UTF8.self) { return text }
    var decoder = UTF8()
    var bytes = data.makeIterator()
    var (line, column, offset) = (1, 1, 0)
    while true {
      switch decoder.decode(&bytes) {
      case .scalarValue(let scalar):
        offset += UTF8.width(scalar)
        if scalar == "\n" { (line, column) = (line + 1, 1) } else { column += 1 }
        continue
      case .emptyInput:
        break
      case .error:
        let byte = String(data[data.startIndex + offset], radix: 16, uppercase: true)
        throw DiagnosticError([
          .error(
            at: SourceLocation(path: path, line: line, column: column),
            "the file is not UTF-8 text: the byte 0x\(byte) here is not UTF-8",
            fix: "save the file as UTF-8 (in most editors: Save with encoding, UTF-8)")
        ])
      }
      break
    }
    throw DiagnosticError([.error(at: SourceLocation(path: path), "the file is not UTF-8 text")])
  }

  func location(of node: Node?) -> SourceLocation {
    guard let mark = node?.mark else { return SourceLocation(path: path) }
    return SourceLocation(path: path, line: mark.line, column: mark.column)
  }

  private static func diagnostic(for error: YamlError, path: String) -> Diagnostic {
    let fix =
      "check the indentation and quoting on that line; quote a value that holds ': ' or starts with '*', '&', '!', '%' or '@'"
    switch error {
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }
        .joined(separator: ", ")
      return .error(
        at: SourceLocation(path: path, line: mark.line, column: mark.column),
        "invalid YAML: \(what)", fix: fix)
    case .duplicatedKeysInMapping(let duplicates, let context):
      return .error(
        at: SourceLocation(path: path, line: context.mark.line, column: context.mark.column),
        "invalid YAML: duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))",
        fix: "keep one entry for each key")
    case .reader(let problem, let offset, _, _):
      return .error(
        at: SourceLocation(path: path), "invalid YAML: \(problem) at byte \(offset ?? 0)", fix: fix)
    default:
      // Yams' own description of other errors quotes the file's line, which may hold a secret.
      return .error(at: SourceLocation(path: path), "invalid YAML", fix: fix)
    }
  }
}

extension Node {
  /// The entries of a mapping, in file order; empty for any other node.
  var entries: [(key: String, keyNode: Node, value: Node)] {
    guard let mapping else { return [] }
    return mapping.map { (key: $0.key.string ?? "", keyNode: $0.key, value: $0.value) }
  }

  subscript(key key: String) -> Node? {
    entries.first { $0.key == key }?.value
  }
}
