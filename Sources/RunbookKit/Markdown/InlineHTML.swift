import Foundation

/// The few HTML tags these docs use inside markdown, in text and in table cells. They become
/// custom nodes (a link becomes a link node, checked like a markdown one); any other raw HTML
/// becomes text, shown as written and escaped, never passed through.
enum InlineHTML {
  /// Tags kept as they are, in pairs, without attributes.
  static let pairedTags: Set<String> = [
    "strong", "em", "b", "i", "sup", "sub", "kbd", "ul", "ol", "li", "p", "u", "s", "del",
  ]

  /// Tags that end with their parent when a page leaves them open.
  static let implicitlyClosed: Set<String> = ["ul", "ol", "li", "p"]

  struct Tag: Equatable {
    var name: String
    var closing: Bool
    /// `<a name="x">` keeps its name as an anchor id.
    var anchor: String?
    /// `<a href="#x">` (or an http or https address) becomes a link to it.
    var href: String?
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
      if let href = attribute("href", in: attributes),
        href.hasPrefix("#") || href.hasPrefix("https://") || href.hasPrefix("http://")
      {
        return Tag(name: "a", closing: false, href: href)
      }
      guard let id = anchorName(attributes) else { return nil }
      return Tag(name: "a", closing: false, anchor: id)
    }
    guard attributes.isEmpty, pairedTags.contains(name) || name == "br" else { return nil }
    return Tag(name: name, closing: closing)
  }

  /// The value of a lone `name=` (or `id=`) attribute.
  private static func anchorName(_ attributes: String) -> String? {
    attribute("name", in: attributes) ?? attribute("id", in: attributes)
  }

  /// The value of `name`, when it is the only attribute, quoted or not, without spaces or angle
  /// brackets.
  static func attribute(_ name: String, in attributes: String) -> String? {
    guard attributes.lowercased().hasPrefix(name + "=") else { return nil }
    var value = attributes.dropFirst(name.count + 1)
    if let quote = value.first, quote == "\"" || quote == "'" {
      value = value.dropFirst()
      guard let end = value.firstIndex(of: quote), value[value.index(after: end)...].isEmpty
      else { return nil }
      value = value[..<end]
    }
    let text = String(value)
    return !text.isEmpty && !text.contains(where: { $0 == " " || $0 == "<" || $0 == ">" })
      ? text : nil
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
      // A line break on a line of its own (`<br/>`, `</BR>`), as some pages space their tables.
      if let tag = tag(compact), tag.name == "br" {
        return .replace(with: tree.custom(block: true, enter: "<br>", exit: ""))
      }
      // An HTML block runs to the next blank line: a heading may have text right under it.
      let lines = compact.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
      if let heading = heading(String(lines[0]), in: tree) {
        guard lines.count > 1 else { return .replace(heading) }
        // What follows is markdown that cmark read as part of the HTML block.
        let rest = tree.fragment(parsing: String(lines[1]))
        var blocks: [MarkdownNode] = []
        for moved in rest.children {
          moved.sourceLine = block.line + 1
          // A second HTML block (another heading) is read the same way.
          if moved.kind == .htmlBlock, case .replace(let read) = rewrite(moved) {
            for node in read { node.sourceLine = block.line + 1 }
            blocks += read
          } else {
            blocks.append(moved)
          }
        }
        for node in heading { node.sourceLine = block.line }
        return .replace(heading + blocks)
      }
      // A block that opens with an allowed tag (`<ul><li>…`): its tags are read as inline HTML,
      // in a paragraph (a letter in front keeps cmark from reading an HTML block again).
      if let end = compact.firstIndex(of: ">"),
        let open = tag(String(compact[...end])), !open.closing, pairedTags.contains(open.name)
      {
        let read = tree.fragment(parsing: "x" + compact)
        if let paragraph = read.firstChild, paragraph.kind == .paragraph,
          let first = paragraph.firstChild, first.kind == .text
        {
          first.literal = String((first.literal ?? "").dropFirst())
          paragraph.sourceLine = block.line
          return .replace(with: paragraph)
        }
      }
      let paragraph = tree.make(.paragraph)
      paragraph.append(tree.text(literal.trimmingCharacters(in: .newlines)))
      return .replace(with: paragraph)
    }
  }

  /// `<h3 id="x">Title</h3>` on its lines: a heading of that level, its title read as markdown,
  /// after an anchor paragraph holding its id (which names the stage of an H2, as `<a name>`
  /// above a heading does).
  static func heading(_ html: String, in tree: MarkdownTree) -> [MarkdownNode]? {
    guard
      let match = html.wholeMatch(
        of: #/<[hH]([1-6])(?:\s+id\s*=\s*"([^"<>\s]*)")?\s*>(.*)<\/[hH]([1-6])>/#),
      match.output.1 == match.output.4, let level = Int(match.output.1),
      !match.output.3.contains("\n")
    else { return nil }
    let heading = tree.make(.heading)
    heading.headingLevel = level
    let title = tree.fragment(parsing: String(match.output.3))
    if let paragraph = title.firstChild, paragraph.kind == .paragraph {
      paragraph.moveChildren(to: heading)
    }
    guard let id = match.output.2.map(String.init), !id.isEmpty else { return [heading] }
    let holder = tree.make(.paragraph)
    holder.append(anchor(id, in: tree, block: false))
    return [holder, heading]
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

  /// Wraps what follows `opener` up to `end` (or to the end of its parent) in the element it
  /// opened, and removes the opener.
  private static func close(
    _ opener: MarkdownNode, before end: MarkdownNode?, name: String, in tree: MarkdownTree
  ) {
    let wrapper = tree.custom(block: false, enter: "<\(name)>", exit: "</\(name)>")
    opener.insertBefore(wrapper)
    while let inner = opener.next, inner != end { wrapper.append(inner) }
    opener.remove()
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
        // A new item (or paragraph) ends the one left open before it, as in browsers.
        if implicitlyClosed.contains(tag.name), tag.name != "ul", tag.name != "ol",
          let last = open.last, last.tag.name == tag.name
        {
          open.removeLast()
          close(last.node, before: node, name: tag.name, in: tree)
        }
        open.append((tag, node))
      } else if let index = open.lastIndex(where: { $0.tag.name == tag.name }) {
        // Openers left inside this pair were never closed: items and paragraphs end here, as in
        // browsers (innermost first); others show as written.
        for unclosed in open[(index + 1)...].reversed() {
          if implicitlyClosed.contains(unclosed.tag.name) {
            close(unclosed.node, before: node, name: unclosed.tag.name, in: tree)
          } else {
            unclosed.node.replace(with: tree.text(unclosed.node.literal ?? ""))
          }
        }
        let opener = open[index]
        open.removeSubrange(index...)
        let wrapper: MarkdownNode
        if let href = opener.tag.href {
          wrapper = tree.make(.link)
          wrapper.url = href
        } else if let id = opener.tag.anchor {
          wrapper = tree.custom(
            block: false, enter: "<a id=\"\(id.htmlEscaped)\">", exit: "</a>", role: .anchor(id))
        } else {
          wrapper = tree.custom(block: false, enter: "<\(tag.name)>", exit: "</\(tag.name)>")
        }
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
    // A list or paragraph the page forgot to close ends with its parent, as browsers end it;
    // innermost first.
    for unclosed in open.reversed() where implicitlyClosed.contains(unclosed.tag.name) {
      close(unclosed.node, before: nil, name: unclosed.tag.name, in: tree)
    }
    for unclosed in open where !implicitlyClosed.contains(unclosed.tag.name) {
      if let id = unclosed.tag.anchor {
        unclosed.node.replace(with: anchor(id, in: tree, block: false))
      } else {
        unclosed.node.replace(with: tree.text(unclosed.node.literal ?? ""))
      }
    }
  }
}
