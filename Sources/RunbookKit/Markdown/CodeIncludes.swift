import Foundation

/// DocFX's code includes, `:::code language="powershell" source="x.ps1" range="2-5":::` and
/// `[!code-powershell[title](x.ps1?range=2-5)]`, each a paragraph of its own: the file's lines
/// (all of them, a `range` of lines, or the snippet an `id`/`name` marks with `<id>` … `</id>`
/// comments) become a code block, which substitution then reaches like any code. A missing file,
/// range or snippet is an error at the line that asks for it.
struct CodeInclude: Equatable {
  /// The file as written, without a query.
  var path: String
  var language: String
  /// `2-5,8`, or nil for the whole file.
  var range: String?
  /// The snippet's name, or nil.
  var snippet: String?

  init?(_ paragraph: MarkdownNode) {
    if let directive = Directive(paragraph), directive.name == "code" {
      guard let source = directive.attributes["source"] else { return nil }
      path = IncludeFiles.withoutQuery(source)
      language = directive.attributes["language"] ?? ""
      range = directive.attributes["range"]
      snippet = directive.attributes["id"]
      return
    }
    // `[!code-lang[title](path)]`: text, a link, text.
    let children = paragraph.children
    guard children.count == 3, children[1].kind == .link, let url = children[1].url,
      let opening = children[0].literal, let closing = children[2].literal,
      closing.trimmingCharacters(in: .whitespaces) == "]", opening.contains("[!code"),
      let match = opening.wholeMatch(of: #/\s*\[!code(?:-([^\[\s]*))?\s*/#)
    else { return nil }
    path = IncludeFiles.withoutQuery(url)
    language = match.output.1.map(String.init) ?? ""
    var query: [String: String] = [:]
    if let start = url.firstIndex(of: "?") {
      let end = url[start...].firstIndex(of: "#") ?? url.endIndex
      for pair in url[url.index(after: start)..<end].split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1)
        if parts.count == 2 { query[String(parts[0]).lowercased()] = String(parts[1]) }
      }
    }
    // `#L10-L20` is a range too.
    if let hash = url.firstIndex(of: "#"),
      let lines = url[url.index(after: hash)...].wholeMatch(of: #/L(\d+)(?:-L(\d+))?/#)
    {
      query["range"] = lines.output.1 + (lines.output.2.map { "-" + $0 } ?? "")
    }
    range = query["range"]
    snippet = query["name"]
  }

  /// The lines the include asks for, without their common indentation, or why there are none.
  func lines(of text: String) -> Result<[Substring], LinesError> {
    var all = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasSuffix("\r") ? $0.dropLast() : $0
    }
    if all.last == "" { all.removeLast() }
    var chosen: [Substring] = []
    if let snippet {
      let open = all.firstIndex { $0.contains("<\(snippet)>") }
      let close = all.firstIndex { $0.contains("</\(snippet)>") }
      guard let open, let close, open < close else { return .failure(.noSnippet(snippet)) }
      chosen = Array(all[(open + 1)..<close])
    } else if let range {
      for part in range.split(separator: ",") {
        let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map {
          Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard let first = bounds.first ?? nil, first >= 1, bounds.count <= 2 else {
          return .failure(.badRange(range))
        }
        let last = bounds.count == 2 ? (bounds[1] ?? all.count) : first
        guard last >= first else { return .failure(.badRange(range)) }
        guard last <= all.count else { return .failure(.outside(range, lines: all.count)) }
        chosen += all[(first - 1)..<last]
      }
    } else {
      chosen = all
    }
    let indent =
      chosen.filter { !$0.allSatisfy(\.isWhitespace) }.map { $0.prefix { $0 == " " }.count }
      .min() ?? 0
    return .success(chosen.map { $0.allSatisfy(\.isWhitespace) ? "" : $0.dropFirst(indent) })
  }

  enum LinesError: Error, Equatable {
    case noSnippet(String)
    case badRange(String)
    case outside(String, lines: Int)
  }
}

extension Includes {
  /// Turns the code includes of `root` (a page, or a file it includes, whose paths start from
  /// `folder`) into code blocks.
  mutating func expandCode(_ root: MarkdownNode, folder: String, path: String, offset: Int) {
    var directiveLines = DirectiveLines()
    root.tree.rewrite(&directiveLines, under: root)
    let top = root.topmost
    for paragraph in root.preorder where paragraph.kind == .paragraph && paragraph.topmost == top {
      guard let include = CodeInclude(paragraph) else { continue }
      let at = paragraph.location(in: path, offset: offset)
      let key = IncludeFiles.normalize(folder.isEmpty ? include.path : folder + "/" + include.path)
      if let link = files.refused[key] {
        diagnostics.append(Self.refusal("code include", include.path, link: link, at: at))
        paragraph.remove()
        continue
      }
      guard let file = files.code[key] ?? nil else {
        diagnostics.append(
          .error(
            at: at, "the code include '\(include.path)' names no file",
            fix: "check the path: it starts from the folder of the file that includes it"))
        paragraph.remove()
        continue
      }
      switch include.lines(of: file.body) {
      case .success(let lines):
        let block = root.tree.make(.codeBlock)
        block.literal = lines.joined(separator: "\n") + "\n"
        block.fenceInfo = include.language
        block.sourceLine = paragraph.sourceLine > 0 ? paragraph.sourceLine : paragraph.line
        block.includeOrigin = paragraph.includeOrigin
        paragraph.replace(with: block)
      case .failure(.noSnippet(let name)):
        diagnostics.append(
          .error(
            at: at,
            "the code include '\(include.path)' asks for the snippet '\(name)', which \(file.path) does not mark",
            fix:
              "mark the snippet in the file with '<\(name)>' and '</\(name)>' comments, or give 'range=\"…\"'"
          ))
        paragraph.remove()
      case .failure(.badRange(let range)):
        diagnostics.append(
          .error(
            at: at,
            "the code include '\(include.path)' gives the range '\(range)', which is not lines",
            fix: "write the range as lines and spans of lines, such as '2-5,8' or '10-'"))
        paragraph.remove()
      case .failure(.outside(let range, let count)):
        diagnostics.append(
          .error(
            at: at,
            "the code include '\(include.path)' asks for lines \(range), but \(file.path) has \(count)",
            fix: "give lines 1 to \(count)"))
        paragraph.remove()
      }
    }
  }
}
