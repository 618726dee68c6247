import Yams

/// One deployment: a display name and the real value of every value the runbook declares.
public struct Deployment: Sendable, Hashable {
  /// The file name without `.yml`: the deployment's folder under `Output/`.
  public var id: String
  public var name: String
  public var values: [String: String]
  /// The option this deployment takes of each choice it makes (`choose:`), by choice key.
  public var choices: [String: String] = [:]
  /// The deployment file's path, relative to the runbook root.
  public var path: String
  /// A short hash of the file's bytes, for the print page's cover.
  public var fileHash: String
  /// Where each value stands in the file, by key.
  public var locations: [String: SourceLocation] = [:]

  /// Whether `id` can name a deployment: it names the site's folder and the browser's store of
  /// ticks, so it is plain: ASCII letters, digits, '-', '_' and '.', starting with a letter or
  /// digit.
  /// What the output folder holds beside the sites (`Output/index.html`, `Output/assets/`,
  /// `Output/404.html`): no deployment may take their names.
  public static let reservedIDs: Set<String> = ["index.html", "assets", "404.html"]

  public static func isValidID(_ id: String) -> Bool {
    guard let first = id.first, first.isASCII, first.isLetter || first.isNumber else {
      return false
    }
    return id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
  }

  /// A character a reader cannot see or that changes how text around it shows: controls (NUL,
  /// BEL, ESC), bidi overrides and isolates, zero-width characters and other format characters,
  /// named by code point and place ("U+202E (a bidi control) at character 5"); nil when none.
  static func invisibleCharacter(in text: String) -> String? {
    for (offset, scalar) in text.unicodeScalars.enumerated() where scalar != "\n" && scalar != "\r"
    {
      let what: String
      switch scalar.properties.generalCategory {
      case .control: what = "a control character"
      case .format:
        what = scalar.properties.isBidiControl ? "a bidi control" : "an invisible format character"
      case .lineSeparator, .paragraphSeparator: what = "a line separator"
      case .privateUse, .unassigned, .surrogate: what = "a character with no meaning"
      default: continue
      }
      return "\(TerminalText.codePoint(scalar)) (\(what)) at character \(offset + 1)"
    }
    return nil
  }

  static let invisibleFix =
    "retype the value: text copied from chats, mails or PDFs can carry characters that do not show, and would be copied into commands"

  /// The 1-based character position of a UTF-8 offset in `text`.
  static func position(of utf8Offset: Int, in text: String) -> Int {
    let index = text.utf8.index(text.utf8.startIndex, offsetBy: utf8Offset)
    return text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: index) + 1
  }

  /// Where a value stands, or the file when it is not known.
  public func location(of key: String) -> SourceLocation {
    locations[key] ?? SourceLocation(path: path)
  }
}

extension Deployment {
  /// Reads a deployment file and checks it against the runbook's values.
  ///
  /// Throws every problem of the file together: syntax, missing, unknown (with "did you mean"),
  /// and values of the wrong form for their kind.
  public init(id: String, path: String, text: String, definition: RunbookDefinition)
    throws(DiagnosticError)
  {
    let file = try YAMLFile(path: path, text: text)
    var diagnostics: [Diagnostic] = []
    self.id = id
    self.path = path
    self.fileHash = ContentHash.short(text)
    guard let root = file.root, root.mapping != nil else {
      throw DiagnosticError([
        .error(
          at: file.location(of: file.root), "the deployment file is not a mapping",
          fix: "start it with 'name: <display name>' and 'values:' (runbook init NAME writes one)")
      ])
    }
    for entry in root.entries where !["name", "values", "choose"].contains(entry.key) {
      let suggestion =
        definition.value(named: entry.key) != nil
        ? "move it under 'values:'" : "use 'name:', 'values:' and 'choose:' only"
      diagnostics.append(
        .error(at: file.location(of: entry.keyNode), "unknown key '\(entry.key)'", fix: suggestion))
    }
    name = root[key: "name"]?.string ?? ""
    let passwords = SampleMatcher.passwords(of: definition.values)
    if let invisible = Self.invisibleCharacter(in: name) {
      diagnostics.append(
        .error(
          at: file.location(of: root[key: "name"]),
          "the deployment's name holds \(invisible)", fix: Self.invisibleFix))
    } else if let found = passwords.occurrences(in: name).first {
      diagnostics.append(
        .error(
          at: file.location(of: root[key: "name"]),
          "the deployment's name holds a sample password, at character \(Self.position(of: found.range.lowerBound, in: name))",
          fix: "a name is shown on every page: give a display name without passwords"))
    } else if name.contains(where: \.isNewline) {
      diagnostics.append(
        .error(
          at: file.location(of: root[key: "name"]),
          "the deployment's name spans more than one line",
          fix: "give a one-line display name, such as 'name: Fabrikam production'"))
    } else if name.isEmpty {
      diagnostics.append(
        .error(
          at: file.location(of: root), "the deployment has no name",
          fix: "add 'name: <display name>', such as 'name: Fabrikam production'"))
    }

    for entry in root[key: "choose"]?.entries ?? [] {
      guard let choice = definition.choices.first(where: { $0.key == entry.key }) else {
        let near = Spelling.closest(to: entry.key, among: definition.choices.map(\.key))
        diagnostics.append(
          .error(
            at: file.location(of: entry.keyNode), "unknown choice '\(entry.key)'",
            fix: near.map { "did you mean '\($0)'?" }
              ?? (definition.choices.isEmpty
                ? "the runbook offers no choices: remove 'choose:'"
                : "the choices are \(definition.choices.map(\.key).joined(separator: ", "))")))
        continue
      }
      let option = entry.value.string ?? ""
      guard choice.options.contains(where: { $0.id == option }) else {
        let ids = choice.options.map(\.id)
        diagnostics.append(
          .error(
            at: file.location(of: entry.value),
            "'\(option)' is not an option of '\(choice.key)' (\(choice.description))",
            fix: Spelling.closest(to: option, among: ids).map { "did you mean '\($0)'?" }
              ?? "the options are \(ids.joined(separator: ", "))"))
        continue
      }
      choices[entry.key] = option
    }

    let valuesNode = root[key: "values"]
    var values: [String: String] = [:]
    var locations: [String: SourceLocation] = [:]
    // Keys given, and keys a typo was taken for: neither is reported missing as well.
    var accounted = Set<String>()
    for entry in valuesNode?.entries ?? [] {
      let at = file.location(of: entry.keyNode)
      guard let spec = definition.value(named: entry.key) else {
        let keys = definition.values.map(\.key).filter { !values.keys.contains($0) }
        let near = Spelling.closest(to: entry.key, among: keys)
        if let near { accounted.insert(near) }
        let fix =
          near.flatMap { near in
            definition.value(named: near).map {
              "did you mean '\(near)'? (\($0.description), replaces \($0.samples.joined(separator: ", ")))"
            }
          }
          ?? "remove it, or declare it in \(definition.path); the values are \(definition.values.map(\.key).joined(separator: ", "))"
        diagnostics.append(.error(at: at, "unknown value '\(entry.key)'", fix: fix))
        continue
      }
      accounted.insert(entry.key)
      guard let value = entry.value.scalar?.string else {
        diagnostics.append(
          .error(
            at: file.location(of: entry.value), "value '\(entry.key)' is not a single value",
            fix: "give one line of text, such as '\(entry.key): \(spec.samples.first ?? "")'"))
        continue
      }
      if let invisible = Self.invisibleCharacter(in: value) {
        diagnostics.append(
          .error(
            at: file.location(of: entry.value), "the value of '\(entry.key)' holds \(invisible)",
            fix: Self.invisibleFix))
      } else if spec.kind != .secret, let found = passwords.occurrences(in: value).first {
        diagnostics.append(
          .error(
            at: file.location(of: entry.value),
            "the value of '\(entry.key)' holds a sample password, at character \(Self.position(of: found.range.lowerBound, in: value))",
            fix:
              "the value is shown on the pages as it is: give the real \(spec.kind.rawValue), never a password"
          ))
      } else if let problem = spec.kind.problem(with: value, schemes: definition.secretSchemes) {
        let shown =
          spec.kind == .secret ? "the value of '\(entry.key)'" : "'\(value)' (\(entry.key))"
        diagnostics.append(
          .error(
            at: file.location(of: entry.value), "\(shown) \(problem)", fix: spec.kind.formHint))
      }
      values[entry.key] = value
      locations[entry.key] = file.location(of: entry.value)
    }
    for spec in definition.values where !accounted.contains(spec.key) {
      diagnostics.append(
        .error(
          at: file.location(of: valuesNode ?? root),
          "missing value '\(spec.key)': \(spec.description) (replaces \(spec.samples.joined(separator: ", ")))",
          fix: "add '\(spec.key): <\(spec.kind.rawValue)>' under 'values:'"))
    }
    self.values = values
    self.locations = locations
    if diagnostics.hasErrors { throw DiagnosticError(diagnostics) }
  }
}
