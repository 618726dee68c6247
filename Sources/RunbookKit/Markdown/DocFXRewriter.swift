internal import Ccmark
import Foundation

/// A link of a page's `[!div class="step-by-step"]` block: the upstream page before or after it.
public struct NavigationLink: Sendable, Hashable {
  public enum Direction: String, Sendable { case previous, next }
  public var direction: Direction
  /// The link text without the « and » marks.
  public var title: String
  /// The target as written, such as `install-mim-sync.md`.
  public var target: String
  /// 1-based line in the page file.
  public var line: Int
}

/// The five DocFX alert kinds, rendered as `<div class="alert KIND">`.
enum AlertKind: String, CaseIterable {
  case note, tip, important, caution, warning

  var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

/// Rewrites what DocFX adds to CommonMark, on cmark's tree: alerts, `[!div]` blocks and the
/// step-by-step navigation, heading anchors and the allow-list of inline HTML.
///
/// Runs once per parse, before substitution; what it makes is custom nodes, so cmark stays in
/// safe mode.
struct DocFXRewriter {
  /// The step-by-step links, in page order.
  private(set) var navigation: [NavigationLink] = []
  /// Placeholders for the page's note that explains its sample names; the page renderer fills
  /// them with the table of this deployment's values.
  private(set) var sampleNameNotes: [MarkdownNode] = []
  /// Lines in the body before the markdown body starts (front matter), added to cmark's lines.
  let lineOffset: Int
  /// The markdown the tree was parsed from: pipe tables are read from its lines.
  let source: String

  init(lineOffset: Int, source: String) {
    self.lineOffset = lineOffset
    self.source = source
  }

  mutating func rewrite(_ root: MarkdownNode) {
    PipeTable.rewrite(root, source: source)
    ImageExtension.rewrite(root)
    InlineHTML.rewrite(root)
    // Children before parents, so that a nested `> >` block is settled before its container.
    for quote in root.preorder.reversed() where quote.type == CMARK_NODE_BLOCK_QUOTE {
      rewriteBlockQuote(quote)
    }
    for heading in root.preorder
    where heading.type == CMARK_NODE_HEADING && heading.headingLevel >= 3 {
      let level = heading.headingLevel
      let anchor = Slug.make(heading.plainText)
      let replacement = MarkdownNode.inlineBlock(
        enter: "<h\(level) id=\"\(anchor.htmlEscaped)\">", exit: "</h\(level)>")
      heading.moveChildren(to: replacement.content)
      heading.replace(with: replacement.block)
    }
  }

  // MARK: - Block quotes

  private mutating func rewriteBlockQuote(_ quote: MarkdownNode) {
    // Step-by-step blocks may share their quote with a NOTE, or nest their links in `> >`.
    for paragraph in quote.children where paragraph.type == CMARK_NODE_PARAGRAPH {
      guard let marker = Self.marker(of: paragraph), marker.hasPrefix("!div") else { continue }
      let classes = Self.divClasses(marker)
      if classes.contains("step-by-step") {
        Self.stripMarker(from: paragraph)
        collectNavigation(in: paragraph)
        // Links may continue in nested quotes that hold nothing else.
        while let nested = paragraph.next, nested.type == CMARK_NODE_BLOCK_QUOTE,
          Self.holdsOnlyLinks(nested)
        {
          collectNavigation(in: nested)
          nested.remove()
        }
        paragraph.remove()
      } else {
        // Any other `[!div class="..."]`: the rest of the quote in a div of those classes.
        Self.stripMarker(from: paragraph)
        if paragraph.firstChild == nil { paragraph.remove() }
        let safe = classes.filter {
          $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        }
        let div = MarkdownNode.custom(
          block: true, enter: "<div class=\"\(safe.joined(separator: " "))\">", exit: "</div>")
        quote.moveChildren(to: div)
        quote.replace(with: div)
        return
      }
    }
    guard quote.firstChild != nil else {
      quote.remove()
      return
    }
    guard let first = quote.firstChild, first.type == CMARK_NODE_PARAGRAPH,
      let marker = Self.marker(of: first),
      let kind = AlertKind(rawValue: String(marker.dropFirst()).lowercased())
    else { return }
    Self.stripMarker(from: first)
    if first.firstChild == nil { first.remove() }
    if kind == .note
      && quote.plainText.range(of: "uses sample names", options: .caseInsensitive) != nil
    {
      let placeholder = MarkdownNode.custom(block: true, enter: "", exit: "")
      quote.replace(with: placeholder)
      sampleNameNotes.append(placeholder)
      return
    }
    let alert = MarkdownNode.custom(
      block: true,
      enter:
        "<div class=\"alert \(kind.rawValue)\" role=\"note\">\n<p class=\"alert-title\">\(kind.title)</p>",
      exit: "</div>")
    quote.moveChildren(to: alert)
    quote.replace(with: alert)
  }

  /// The `!NOTE` or `!div class="x"` of a paragraph that starts with `[!...]`, or nil.
  ///
  /// cmark splits `[!NOTE]` into several text nodes, since `[` and `!` may open links:
  /// the leading text nodes are joined before matching.
  private static func marker(of paragraph: MarkdownNode) -> String? {
    let text = leadingText(of: paragraph).text
    guard text.hasPrefix("[!"), let close = text.firstIndex(of: "]") else { return nil }
    return String(text[text.index(after: text.startIndex)..<close])
  }

  private static func leadingText(of paragraph: MarkdownNode) -> (
    text: String, nodes: [MarkdownNode]
  ) {
    var text = ""
    var nodes: [MarkdownNode] = []
    var child = paragraph.firstChild
    while let node = child, node.type == CMARK_NODE_TEXT {
      text += node.literal ?? ""
      nodes.append(node)
      child = node.next
    }
    return (text, nodes)
  }

  /// Removes the `[!...]` marker and the line break after it from the start of a paragraph.
  private static func stripMarker(from paragraph: MarkdownNode) {
    let (text, nodes) = leadingText(of: paragraph)
    guard let close = text.firstIndex(of: "]") else { return }
    let rest = text[text.index(after: close)...].drop { $0 == " " || $0 == "\t" }
    let after = nodes.last?.next
    for node in nodes { node.remove() }
    if !rest.isEmpty {
      let node = MarkdownNode.text(String(rest))
      if let after { after.insertBefore(node) } else { paragraph.append(node) }
    } else if let after, after.type == CMARK_NODE_SOFTBREAK || after.type == CMARK_NODE_LINEBREAK {
      after.remove()
    }
  }

  /// `div class="step-by-step"` → `["step-by-step"]`.
  private static func divClasses(_ marker: String) -> [String] {
    guard let open = marker.firstIndex(where: { $0 == "\"" || $0 == "'" }) else { return [] }
    let rest = marker[marker.index(after: open)...]
    let value = rest.prefix { $0 != "\"" && $0 != "'" }
    return value.split(separator: " ").map(String.init)
  }

  private static func holdsOnlyLinks(_ node: MarkdownNode) -> Bool {
    var outside = ""
    func visit(_ node: MarkdownNode) {
      if node.type == CMARK_NODE_LINK { return }
      if node.type == CMARK_NODE_TEXT { outside += node.literal ?? "" }
      for child in node.children { visit(child) }
    }
    visit(node)
    return outside.trimmingCharacters(in: .whitespaces).isEmpty
      && node.preorder.contains { $0.type == CMARK_NODE_LINK }
  }

  private mutating func collectNavigation(in node: MarkdownNode) {
    for link in node.preorder where link.type == CMARK_NODE_LINK {
      let text = link.plainText.trimmingCharacters(in: .whitespaces)
      // The marks give the direction: « before the previous page, » after the next one.
      let direction: NavigationLink.Direction = text.contains("«") ? .previous : .next
      let title = text.trimmingCharacters(in: CharacterSet(charactersIn: "«» ").union(.whitespaces))
      navigation.append(
        NavigationLink(
          direction: direction, title: title, target: link.url ?? "", line: link.line + lineOffset))
    }
  }
}
