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
enum AlertKind: String, CaseIterable, Sendable {
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

  /// Rewrites the tree in passes, each a `TreeRewriter`: tables, images, inline HTML, block
  /// quotes (alerts, `[!div]` blocks, step-by-step), then the anchors of H3 and below.
  mutating func rewrite(_ tree: MarkdownTree) {
    var tables = PipeTable(source: source)
    tree.rewrite(&tables)
    var images = ImageExtension()
    tree.rewrite(&images)
    InlineHTML.rewrite(tree)
    // Children before parents, so that a nested `> >` block is settled before its container.
    var quotes = BlockQuotes(lineOffset: lineOffset)
    tree.rewrite(&quotes)
    navigation = quotes.navigation
    sampleNameNotes = quotes.sampleNameNotes
    var headings = HeadingAnchors()
    tree.rewrite(&headings)
  }
}

/// Headings of level 3 and below keep their anchor, as DocFX gives them one: a custom block that
/// says its level and anchor as a role.
///
/// A stage page's title is the stage's H2, shown as its `h1`, so the headings below it are shown
/// one level below the heading they fall under: an H3 is an `h2`, and so is an H4 that follows
/// the H2 directly, which would leave a hole in screen readers' outline (axe's `heading-order`).
/// The role keeps the level the page wrote.
struct HeadingAnchors: TreeRewriter {
  /// The headings the next one may fall under, outermost first: the level written and shown
  /// (the stage's title being shown as 1).
  private var open: [(written: Int, shown: Int)] = []

  mutating func rewrite(_ heading: MarkdownNode) -> Rewrite {
    guard heading.kind == .heading else { return .keep }
    let level = heading.headingLevel
    guard level >= 3 else {
      open = []
      return .keep
    }
    while let last = open.last, last.written >= level { open.removeLast() }
    let shown = (open.last?.shown ?? 1) + 1
    open.append((level, shown))
    let anchor = Slug.make(heading.plainText)
    let replacement = heading.tree.inlineBlock(
      enter: "<h\(shown) id=\"\(anchor.htmlEscaped)\">", exit: "</h\(shown)>",
      role: .heading(level: level, anchor: anchor))
    heading.moveChildren(to: replacement.content)
    // Diagnostics about a step written as a heading name the heading's line.
    replacement.block.sourceLine = heading.line
    return .replace(with: replacement.block)
  }
}

/// Block quotes that DocFX reads: alerts, `[!div class="..."]` blocks and the step-by-step
/// navigation, which may share its quote with a NOTE or nest its links in `> >`.
struct BlockQuotes: TreeRewriter {
  let lineOffset: Int
  private(set) var navigation: [NavigationLink] = []
  private(set) var sampleNameNotes: [MarkdownNode] = []

  init(lineOffset: Int) { self.lineOffset = lineOffset }

  mutating func rewrite(_ quote: MarkdownNode) -> Rewrite {
    guard quote.kind == .blockQuote else { return .keep }
    let tree = quote.tree
    // Step-by-step blocks may share their quote with a NOTE, or nest their links in `> >`.
    for paragraph in quote.children where paragraph.kind == .paragraph {
      guard let marker = Self.marker(of: paragraph), marker.hasPrefix("!div") else { continue }
      let classes = Self.divClasses(marker)
      if classes.contains("step-by-step") {
        Self.stripMarker(from: paragraph)
        collectNavigation(in: paragraph)
        // Links may continue in nested quotes that hold nothing else.
        while let nested = paragraph.next, nested.kind == .blockQuote, Self.holdsOnlyLinks(nested) {
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
        let div = tree.custom(
          block: true, enter: "<div class=\"\(safe.joined(separator: " "))\">", exit: "</div>")
        quote.moveChildren(to: div)
        return .replace(with: div)
      }
    }
    // `[!VIDEO url]`: a link to the video, before what else the quote holds (often an alert).
    if let first = quote.firstChild, first.kind == .paragraph, let marker = Self.marker(of: first),
      marker.uppercased().hasPrefix("!VIDEO ")
    {
      let url = marker.dropFirst("!VIDEO ".count).trimmingCharacters(in: .whitespaces)
      Self.stripMarker(from: first)
      if first.firstChild == nil { first.remove() }
      if url.hasPrefix("https://") || url.hasPrefix("http://") {
        let video = tree.make(.paragraph)
        let link = tree.make(.link)
        link.url = url
        link.append(tree.text("Watch the video"))
        video.append(link)
        video.append(tree.text(" (on Microsoft's site)"))
        quote.insertBefore(video)
      }
    }
    guard quote.firstChild != nil else { return .remove }
    guard let first = quote.firstChild, first.kind == .paragraph,
      let marker = Self.marker(of: first),
      let kind = AlertKind(rawValue: String(marker.dropFirst()).lowercased())
    else { return .keep }
    Self.stripMarker(from: first)
    if first.firstChild == nil { first.remove() }
    if kind == .note
      && quote.plainText.range(of: "uses sample names", options: .caseInsensitive) != nil
    {
      let placeholder = tree.custom(block: true, enter: "", exit: "")
      sampleNameNotes.append(placeholder)
      return .replace(with: placeholder)
    }
    let alert = tree.custom(
      block: true,
      enter:
        "<div class=\"alert \(kind.rawValue)\" role=\"note\">\n<p class=\"alert-title\">\(kind.title)</p>",
      exit: "</div>", role: .alert(kind))
    quote.moveChildren(to: alert)
    return .replace(with: alert)
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
    while let node = child, node.kind == .text {
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
      let node = paragraph.tree.text(String(rest))
      if let after { after.insertBefore(node) } else { paragraph.append(node) }
    } else if let after, after.kind.isLineBreak {
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
      if node.kind == .link { return }
      if node.kind == .text { outside += node.literal ?? "" }
      for child in node.children { visit(child) }
    }
    visit(node)
    return outside.trimmingCharacters(in: .whitespaces).isEmpty
      && node.preorder.contains { $0.kind == .link }
  }

  private mutating func collectNavigation(in node: MarkdownNode) {
    for link in node.preorder where link.kind == .link {
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
