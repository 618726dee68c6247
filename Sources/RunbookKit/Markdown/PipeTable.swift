import Foundation

/// GFM pipe tables, which plain cmark leaves as paragraphs of soft-broken lines.
///
/// The paragraph's source lines decide the shape (header, delimiter row with alignment, body rows,
/// escaped pipes); each cell's text is parsed by cmark and its inlines moved into the table, so
/// emphasis, code and links work in cells and substitution reaches them like any other text.
struct PipeTable: TreeRewriter {
  enum Alignment: String { case none, left, center, right }

  /// The lines of the markdown the tree was parsed from: a paragraph's lines decide its shape.
  private let lines: [Substring]

  init(source: String) {
    lines =
      source.contains("|") ? source.split(separator: "\n", omittingEmptySubsequences: false) : []
  }

  /// A paragraph that is a pipe table becomes a table.
  func rewrite(_ paragraph: MarkdownNode) -> Rewrite {
    guard !lines.isEmpty, paragraph.kind == .paragraph else { return .keep }
    let start = paragraph.line, end = paragraph.endLine
    guard start > 0, end >= start + 1, end <= lines.count else { return .keep }
    let rows = lines[(start - 1)..<end].map { String($0).trimmingCharacters(in: .whitespaces) }
    guard rows[0].contains("|"), let alignments = Self.delimiterRow(rows[1]) else { return .keep }
    // As DocFX reads them: a delimiter row may give more columns than the header (a page's typo);
    // the header then gets empty cells.
    var header = Self.cells(rows[0])
    guard !header.isEmpty, header.count <= alignments.count else { return .keep }
    header += Array(repeating: "", count: alignments.count - header.count)
    return .replace(
      with: Self.table(
        in: paragraph.tree, header: header, rows: rows.dropFirst(2).map(Self.cells),
        alignments: alignments, line: start))
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

  private static func table(
    in tree: MarkdownTree, header: [String], rows: [[String]], alignments: [Alignment], line: Int
  ) -> MarkdownNode {
    let table = tree.custom(
      block: true, enter: "<div class=\"table-scroll\"><table>", exit: "</table></div>")
    table.sourceLine = line
    let head = tree.custom(block: true, enter: "<thead>", exit: "</thead>")
    head.append(row(in: tree, header, tag: "th", alignments: alignments))
    table.append(head)
    if !rows.isEmpty {
      let body = tree.custom(block: true, enter: "<tbody>", exit: "</tbody>")
      for (offset, cells) in rows.enumerated() {
        let tr = row(in: tree, cells, tag: "td", alignments: alignments)
        tr.sourceLine = line + 2 + offset
        body.append(tr)
      }
      table.append(body)
    }
    return table
  }

  private static func row(
    in tree: MarkdownTree, _ cells: [String], tag: String, alignments: [Alignment]
  ) -> MarkdownNode {
    let tr = tree.custom(block: true, enter: "<tr>", exit: "</tr>")
    for (index, alignment) in alignments.enumerated() {
      let style = alignment == .none ? "" : " style=\"text-align: \(alignment.rawValue)\""
      // `> [!NOTE]>` written inside a cell, as some pages do: the alert's word in bold.
      var text = index < cells.count ? cells[index] : ""
      if text.contains("[!") {
        text = text.replacing(
          #/>\s*\[!(NOTE|TIP|IMPORTANT|CAUTION|WARNING)\]\s*>?/#.ignoresCase()
        ) { "**\($0.output.1.prefix(1).uppercased() + $0.output.1.dropFirst().lowercased()):** " }
      }
      // cmark parses the cell: a paragraph's inlines move into the table; blocks such as a list
      // that a cell starts (`1. **Select:**`) move in whole, in a cell that holds blocks.
      var parsed = tree.fragment(parsing: text)
      if parsed.firstChild?.kind == .htmlBlock {
        // A cell starting with a tag such as `<ul>` would be an HTML block on its own; in a row
        // it is inline HTML. A letter in front makes cmark read a paragraph; it goes again.
        parsed = tree.fragment(parsing: "x" + text)
        if let first = parsed.firstChild?.firstChild, first.kind == .text {
          first.literal = String((first.literal ?? "").dropFirst())
        }
      }
      let blocks = parsed.children
      let inline = blocks.isEmpty || blocks.count == 1 && blocks[0].kind == .paragraph
      let cell = tree.custom(block: !inline, enter: "<\(tag)\(style)>", exit: "</\(tag)>")
      if inline {
        blocks.first?.moveChildren(to: cell)
      } else {
        parsed.moveChildren(to: cell)
      }
      tr.append(cell)
    }
    return tr
  }
}
