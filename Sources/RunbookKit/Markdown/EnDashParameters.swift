import Foundation

/// Parameters written with an en or em dash in commands (`New-ADUser –SamAccountName`), as the
/// docs' PowerShell often is: PowerShell takes them, cmd.exe and most checkers do not.
enum EnDashParameters {
  /// A dash before a parameter name: at the start, or after a space, a tab or `(`.
  static let pattern = "(^|[ \t(])[–—]([A-Za-z])"

  /// The first such parameter in `code`, as written (`–Name`), or nil.
  static func first(in code: String) -> String? {
    guard let range = code.range(of: pattern, options: .regularExpression) else { return nil }
    return code[range].trimmingCharacters(in: CharacterSet(charactersIn: " \t("))
      + code[range.upperBound...].prefix { $0.isLetter }
  }

  /// `code` with every such dash made `-`.
  static func fixed(_ code: String) -> String {
    code.replacingOccurrences(of: pattern, with: "$1-$2", options: .regularExpression)
  }

  /// The pass of `fix_dashes: true`: code spans and blocks get `-`, and each fixed command is
  /// marked, so that the reader knows the page differs from the docs there.
  struct Fix: TreeRewriter {
    func rewrite(_ node: MarkdownNode) -> Rewrite {
      guard node.kind == .code || node.kind == .codeBlock, let code = node.literal,
        let written = first(in: code)
      else { return .keep }
      node.literal = fixed(code)
      let tree = node.tree
      let title = "The docs write \(written): runbook typed '-' for the dash"
      if node.kind == .code {
        let mark = tree.custom(
          block: false, enter: "<span class=\"dash-fixed\" title=\"\(title.htmlEscaped)\">",
          exit: "</span>")
        node.insertBefore(mark)
        mark.append(node)
        return .keep
      }
      let note = tree.inlineBlock(enter: "<p class=\"dash-fixed\">", exit: "</p>")
      note.content.append(
        tree.text("The docs write \(written) in this command; runbook typed '-' for the dash."))
      node.insertAfter(note.block)
      return .keep
    }
  }
}
