import Foundation

/// DocFX's layout, `:::row:::` … `:::row-end:::` holding `:::column span="2":::` …
/// `:::column-end:::`: a row of columns (side by side on a wide screen, one after another on a
/// narrow one and on paper). A row or column without its end is an error at its line.
struct RowsAndColumns {
  private(set) var diagnostics: [Diagnostic] = []

  mutating func apply(to root: MarkdownNode, path: String, offset: Int) {
    for start in root.preorder where start.isInDocument {
      guard let directive = Directive(start),
        directive.name.hasPrefix("row")
          || directive.name.hasPrefix("column")
      else { continue }
      let at = start.location(in: path, offset: offset)
      guard directive.name == "row" else {
        diagnostics.append(
          .error(
            at: at, "':::\(directive.name):::' is outside a row",
            fix:
              "put columns between ':::row:::' and ':::row-end:::', each ended by ':::column-end:::'"
          ))
        start.remove()
        continue
      }
      let tree = start.tree
      let row = tree.custom(block: true, enter: "<div class=\"docfx-row\">\n", exit: "</div>\n")
      var column: MarkdownNode?
      var ended = false
      var node = start.next
      while let current = node, !ended {
        node = current.next
        switch Directive(current)?.name {
        case "row-end":
          ended = true
          current.remove()
        case "column":
          let span = Int(Directive(current)?.attributes["span"] ?? "") ?? 1
          let opened = tree.custom(
            block: true, enter: "<div class=\"docfx-column span-\(max(1, min(span, 4)))\">\n",
            exit: "</div>\n")
          row.append(opened)
          column = opened
          current.remove()
        case "column-end":
          column = nil
          current.remove()
        default:
          // Text between columns stays in the row.
          (column ?? row).append(current)
        }
      }
      if !ended {
        diagnostics.append(
          .error(
            at: at, "the row has no ':::row-end:::'",
            fix: "end the row with a line ':::row-end:::' after its last ':::column-end:::'"))
      }
      start.replace(with: row)
    }
  }
}
