internal import Ccmark
import Foundation

/// GFM pipe tables, which plain cmark leaves as paragraphs of soft-broken lines.
///
/// The paragraph's source lines decide the shape (header, delimiter row with alignment, body rows,
/// escaped pipes); each cell's text is parsed by cmark and its inlines moved into the table, so
/// emphasis, code and links work in cells and substitution reaches them like any other text.
enum PipeTable {
  enum Alignment: String { case none, left, center, right }

  /// Replaces every paragraph of `root` that is a pipe table with a table.
  ///
  /// - Parameter source: the markdown the tree was parsed from, to read the paragraphs' lines.
  static func rewrite(_ root: MarkdownNode, source: String) {
    let paragraphs = root.preorder.filter { $0.type == CMARK_NODE_PARAGRAPH }
    guard !paragraphs.isEmpty, source.contains("|") else { return }
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    for paragraph in paragraphs {
      let start = paragraph.line, end = paragraph.endLine
      guard start > 0, end >= start + 1, end <= lines.count else { continue }
      let rows = lines[(start - 1)..<end].map { String($0).trimmingCharacters(in: .whitespaces) }
      guard rows[0].contains("|"), let alignments = delimiterRow(rows[1]) else { continue }
      let header = cells(rows[0])
      guard header.count == alignments.count else { continue }
      paragraph.replace(
        with: table(
          header: header, rows: rows.dropFirst(2).map(cells), alignments: alignments, line: start))
    }
  }

  /// The alignments of a delimiter row such as `| :--- | :---: | ---: |`, or nil.
  static func delimiterRow(_ line: String) -> [Alignment]? {
    guard line.contains("-") else { return nil }
    let parts = cells(line)
    var result: [Alignment] = []
    for part in parts {
      let cell = part.trimmingCharacters(in: .whitespaces)
      let dashes = cell.trimmingCharacters(in: CharacterSet(charactersIn: ":"))
      guard !dashes.isEmpty, dashes.allSatisfy({ $0 == "-" }) else { return nil }
      switch (cell.hasPrefix(":"), cell.hasSuffix(":")) {
      case (true, true): result.append(.center)
      case (true, false): result.append(.left)
      case (false, true): result.append(.right)
      case (false, false): result.append(.none)
      }
    }
    // A lone `---` is a thematic break or a setext underline, not a table.
    return result.isEmpty || (parts.count == 1 && !line.contains("|")) ? nil : result
  }

  /// A row's cells, split at unescaped pipes; the outer pipes are optional; `\|` becomes `|`.
  static func cells(_ line: String) -> [String] {
    var cells: [String] = []
    var current = ""
    var escaped = false
    for character in line {
      if escaped {
        current.append(character == "|" ? "|" : "\\\(character)")
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else if character == "|" {
        cells.append(current)
        current = ""
      } else {
        current.append(character)
      }
    }
    if escaped { current.append("\\") }
    cells.append(current)
    if line.hasPrefix("|") { cells.removeFirst() }
    if line.hasSuffix("|") && !line.hasSuffix("\\|") && !cells.isEmpty { cells.removeLast() }
    return cells.map { $0.trimmingCharacters(in: .whitespaces) }
  }

  private static func table(header: [String], rows: [[String]], alignments: [Alignment], line: Int)
    -> MarkdownNode
  {
    let table = MarkdownNode.custom(
      block: true, enter: "<div class=\"table-scroll\"><table>", exit: "</table></div>")
    table.sourceLine = line
    let head = MarkdownNode.custom(block: true, enter: "<thead>", exit: "</thead>")
    head.append(row(header, tag: "th", alignments: alignments))
    table.append(head)
    if !rows.isEmpty {
      let body = MarkdownNode.custom(block: true, enter: "<tbody>", exit: "</tbody>")
      for (offset, cells) in rows.enumerated() {
        let tr = row(cells, tag: "td", alignments: alignments)
        tr.sourceLine = line + 2 + offset
        body.append(tr)
      }
      table.append(body)
    }
    return table
  }

  private static func row(_ cells: [String], tag: String, alignments: [Alignment]) -> MarkdownNode {
    let tr = MarkdownNode.custom(block: true, enter: "<tr>", exit: "</tr>")
    for (index, alignment) in alignments.enumerated() {
      let style = alignment == .none ? "" : " style=\"text-align: \(alignment.rawValue)\""
      let cell = MarkdownNode.custom(block: false, enter: "<\(tag)\(style)>", exit: "</\(tag)>")
      let text = index < cells.count ? cells[index] : ""
      if !text.isEmpty {
        // cmark parses the cell; its inlines move into the table (the cell's own tree is freed).
        let parsed = MarkdownTree(parsing: text)
        if let paragraph = parsed.root.firstChild, paragraph.type == CMARK_NODE_PARAGRAPH {
          while let inline = paragraph.firstChild {
            cmark_node_unlink(inline.raw)
            cell.append(inline)
          }
        } else {
          cell.append(.text(text))
        }
      }
      tr.append(cell)
    }
    return tr
  }
}
