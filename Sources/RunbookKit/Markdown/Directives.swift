import Foundation

/// A DocFX triple-colon line that cmark reads as text: `::: zone pivot="windows"`,
/// `::: zone-end`, `:::row:::`, `:::column span="2":::`, `:::code source="a.ps1":::`.
struct Directive: Equatable {
  /// `zone`, `zone-end`, `row`, `column`, `code`, …, in lower case.
  var name: String
  var attributes: [String: String]

  /// The names read as blocks of their own, even when written in one paragraph with the text
  /// around them (rows and columns are usually written indented, without blank lines).
  static let blockNames: Set<String> = [
    "zone", "zone-end", "row", "row-end", "column", "column-end", "code",
  ]

  /// The directive a paragraph is, when it holds nothing else.
  init?(_ paragraph: MarkdownNode) {
    guard paragraph.kind == .paragraph, let line = Self.text(of: paragraph.children) else {
      return nil
    }
    self.init(line: line)
  }

  /// `::: zone pivot="a"` or `:::column span="2":::`, spaces around allowed; nil for any other
  /// text and for names not in `blockNames`.
  init?(line: String) {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    // Every line of every paragraph comes here: the regular expression (which Swift builds
    // each time it is evaluated) only for the few that can be one.
    guard trimmed.hasPrefix(":::"),
      let match = trimmed.wholeMatch(
        of: #/:::\s*([A-Za-z][A-Za-z-]*)((?:\s[^:]*)?|\s.*?)\s*(?::::)?/#)
    else { return nil }
    let name = match.output.1.lowercased()
    guard Self.blockNames.contains(name) else { return nil }
    self.name = name
    attributes = Self.attributes(String(match.output.2))
  }

  /// The text of inlines that are text only (no emphasis, links or code), or nil.
  static func text(of inlines: [MarkdownNode]) -> String? {
    var text = ""
    for node in inlines {
      guard node.kind == .text else { return nil }
      text += node.literal ?? ""
    }
    return text
  }

  /// `type="content" source="a b.png"` → ["type": "content", "source": "a b.png"]; a name
  /// without a value (`interactive`) is left out.
  static func attributes(_ text: String) -> [String: String] {
    var result: [String: String] = [:]
    var rest = Substring(text)
    while let equals = rest.firstIndex(of: "=") {
      let name = rest[..<equals].split(separator: " ").last.map(String.init) ?? ""
      let afterEquals = rest[rest.index(after: equals)...].drop { $0 == " " }
      guard afterEquals.first == "\"", let close = afterEquals.dropFirst().firstIndex(of: "\"")
      else { break }
      result[name.lowercased()] = String(
        afterEquals[afterEquals.index(after: afterEquals.startIndex)..<close])
      rest = afterEquals[afterEquals.index(after: close)...]
    }
    return result
  }
}

/// Puts every block directive on a paragraph of its own: DocFX reads them line by line, cmark
/// joins lines without a blank between into one paragraph. The text between directive lines
/// becomes paragraphs of its own; a paragraph with no directive line is left as it is.
struct DirectiveLines: TreeRewriter {
  func rewrite(_ paragraph: MarkdownNode) -> Rewrite {
    guard paragraph.kind == .paragraph else { return .keep }
    // The paragraph's lines: inlines between line breaks.
    var lines: [[MarkdownNode]] = [[]]
    var breaks: [MarkdownNode] = []
    for child in paragraph.children {
      if child.kind.isLineBreak {
        lines.append([])
        breaks.append(child)
      } else {
        lines[lines.count - 1].append(child)
      }
    }
    let directives = lines.map { Directive.text(of: $0).flatMap { Directive(line: $0) } }
    guard directives.contains(where: { $0 != nil }), lines.count > 1 else { return .keep }
    let tree = paragraph.tree
    var result: [MarkdownNode] = []
    var open: MarkdownNode?
    for (index, line) in lines.enumerated() {
      let sourceLine = paragraph.line + index
      if directives[index] != nil {
        let marker = tree.make(.paragraph)
        for node in line { marker.append(node) }
        marker.sourceLine = sourceLine
        result.append(marker)
        open = nil
        continue
      }
      if let open {
        open.append(breaks[index - 1])
      } else {
        let text = tree.make(.paragraph)
        text.sourceLine = sourceLine
        open = text
        result.append(text)
      }
      for node in line { open?.append(node) }
    }
    for node in result { node.includeOrigin = paragraph.includeOrigin }
    return .replace(result)
  }
}

/// The ids of tabs (`#tab/powershell`) or zone pivots (`pivot="windows,linux"`) a page's
/// markdown writes, read from its text: what a runbook definition's tab and pivot choices are
/// checked against.
enum DocFXMarks {
  static func ids(of kind: ChoiceSpec.Kind, in text: String) -> Set<String> {
    switch kind {
    case .text:
      return []
    case .tabs:
      guard text.contains("#tab/") else { return [] }
      return Set(text.matches(of: #/\]\(#tab/([^/)\s]+)/#).map { String($0.output.1) })
    case .zonePivots:
      guard text.contains("pivot") else { return [] }
      return Set(
        text.matches(of: #/:::\s*zone\s+pivot\s*=\s*"([^"]*)"/#).flatMap {
          $0.output.1.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        })
    }
  }
}
