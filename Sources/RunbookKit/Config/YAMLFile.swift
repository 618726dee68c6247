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
      root = try Yams.compose(yaml: text, .basic)
    } catch let error as YamlError {
      throw DiagnosticError([Self.diagnostic(for: error, path: path)])
    } catch {
      throw DiagnosticError([.error(at: SourceLocation(path: path), "\(error)")])
    }
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
    default:
      return .error(at: SourceLocation(path: path), "invalid YAML: \(error)", fix: fix)
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
