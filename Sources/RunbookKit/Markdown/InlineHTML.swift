import Foundation

/// The few HTML tags these docs use inside markdown. They become custom nodes; any other
/// raw HTML becomes text, shown as written and escaped, never passed through.
enum InlineHTML {
  /// Tags kept as they are, in pairs.
  static let pairedTags: Set<String> = ["strong", "em", "b", "i", "sup", "sub", "kbd"]

  struct Tag: Equatable {
    var name: String
    var closing: Bool
    /// `<a name="x">` keeps its name as an anchor id.
    var anchor: String?
  }

  /// Reads one tag such as `<strong>`, `</br>` or `<a name='x'>`; nil for anything else.
  static func tag(_ literal: String) -> Tag? {
    let text = literal.trimmingCharacters(in: .whitespacesAndNewlines)
    guard text.hasPrefix("<"), text.hasSuffix(">"), !text.hasPrefix("<!") else { return nil }
    var inner = text.dropFirst().dropLast()
    let closing = inner.hasPrefix("/")
    if closing { inner = inner.dropFirst() }
    if inner.hasSuffix("/") { inner = inner.dropLast() }
    let name = String(inner.prefix { $0.isLetter }).lowercased()
    let attributes = inner.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
    if name == "a" {
      if closing { return attributes.isEmpty ? Tag(name: "a", closing: true) : nil }
      guard let id = anchorName(attributes) else { return nil }
      return Tag(name: "a", closing: false, anchor: id)
    }
    guard attributes.isEmpty, pairedTags.contains(name) || name == "br" else { return nil }
    return Tag(name: name, closing: closing)
  }

  /// The value of a lone `name=` (or `id=`) attribute.
  private static func anchorName(_ attributes: String) -> String? {
    for prefix in ["name=", "id="] where attributes.lowercased().hasPrefix(prefix) {
      var value = attributes.dropFirst(prefix.count)
      if let quote = value.first, quote == "\"" || quote == "'" {
        value = value.dropFirst()
        guard let end = value.firstIndex(of: quote), value[value.index(after: end)...].isEmpty
        else { return nil }
        value = value[..<end]
      }
      let id = String(value)
      return !id.isEmpty && !id.contains(where: { $0 == " " || $0 == "<" || $0 == ">" }) ? id : nil
    }
    return nil
  }

  static func isComment(_ literal: String) -> Bool {
    let text = literal.trimmingCharacters(in: .whitespacesAndNewlines)
    return text.hasPrefix("<!--") && text.hasSuffix("-->")
  }

  /// Rewrites every raw HTML node of a tree: blocks first, then the inlines of each parent.
  static func rewrite(_ tree: MarkdownTree) {
    var blocks = Blocks()
    tree.rewrite(&blocks)
    var inlines = Inlines()
    tree.rewrite(&inlines)
  }

  /// HTML blocks: comments go, a lone `<a name>` becomes an anchor, anything else shows as text.
  struct Blocks: TreeRewriter {
    func rewrite(_ block: MarkdownNode) -> Rewrite {
      guard block.kind == .htmlBlock else { return .keep }
      let tree = block.tree
      let literal = block.literal ?? ""
      if isComment(literal) { return .remove }
      // `<a name='x'></a>` on a line of its own: an anchor for links into the page.
      let compact = literal.trimmingCharacters(in: .whitespacesAndNewlines)
      if let end = compact.range(of: ">"), let open = tag(String(compact[..<end.upperBound])),
        let id = open.anchor,
        compact[end.upperBound...].trimmingCharacters(in: .whitespaces) == "</a>"
      {
        return .replace(with: anchor(id, in: tree, block: true))
      }
      let paragraph = tree.make(.paragraph)
      paragraph.append(tree.text(literal.trimmingCharacters(in: .newlines)))
      return .replace(with: paragraph)
    }
  }

  /// Inline HTML, pair by pair among the children of one parent.
  struct Inlines: TreeRewriter {
    func rewrite(_ parent: MarkdownNode) -> Rewrite {
      if parent.children.contains(where: { $0.kind == .htmlInline }) {
        rewriteInlines(of: parent)
      }
      return .keep
    }
  }

  static func anchor(_ id: String, in tree: MarkdownTree, block: Bool) -> MarkdownNode {
    tree.custom(
      block: block, enter: "<a id=\"\(id.htmlEscaped)\"></a>", exit: "", role: .anchor(id))
  }

  private static func rewriteInlines(of parent: MarkdownNode) {
    let tree = parent.tree
    var open: [(tag: Tag, node: MarkdownNode)] = []
    for node in parent.children where node.kind == .htmlInline {
      let literal = node.literal ?? ""
      if isComment(literal) {
        node.remove()
        continue
      }
      guard let tag = tag(literal) else {
        node.replace(with: tree.text(literal))
        continue
      }
      if tag.name == "br" {
        node.replace(with: tree.custom(block: false, enter: "<br>", exit: ""))
      } else if !tag.closing {
        open.append((tag, node))
      } else if let index = open.lastIndex(where: { $0.tag.name == tag.name }) {
        // Openers left inside this pair were never closed: they show as written.
        for unclosed in open[(index + 1)...] {
          unclosed.node.replace(with: tree.text(unclosed.node.literal ?? ""))
        }
        let opener = open[index]
        open.removeSubrange(index...)
        let wrapper =
          opener.tag.anchor.map {
            tree.custom(
              block: false, enter: "<a id=\"\($0.htmlEscaped)\">", exit: "</a>", role: .anchor($0))
          } ?? tree.custom(block: false, enter: "<\(tag.name)>", exit: "</\(tag.name)>")
        opener.node.insertBefore(wrapper)
        while let inner = opener.node.next, inner != node {
          wrapper.append(inner)
        }
        opener.node.remove()
        node.remove()
      } else {
        node.replace(with: tree.text(literal))
      }
    }
    for unclosed in open {
      if let id = unclosed.tag.anchor {
        unclosed.node.replace(with: anchor(id, in: tree, block: false))
      } else {
        unclosed.node.replace(with: tree.text(unclosed.node.literal ?? ""))
      }
    }
  }
}
