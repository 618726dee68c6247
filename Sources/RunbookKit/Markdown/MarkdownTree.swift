internal import Ccmark

/// The kinds of node a cmark tree holds: the only place outside this file that names them.
enum NodeKind: Sendable {
  case document, blockQuote, list, item, codeBlock, htmlBlock, customBlock, paragraph, heading
  case thematicBreak, text, softBreak, lineBreak, code, htmlInline, customInline, emphasis, strong
  case link, image

  fileprivate init(_ type: cmark_node_type) {
    switch type {
    case CMARK_NODE_DOCUMENT: self = .document
    case CMARK_NODE_BLOCK_QUOTE: self = .blockQuote
    case CMARK_NODE_LIST: self = .list
    case CMARK_NODE_ITEM: self = .item
    case CMARK_NODE_CODE_BLOCK: self = .codeBlock
    case CMARK_NODE_HTML_BLOCK: self = .htmlBlock
    case CMARK_NODE_CUSTOM_BLOCK: self = .customBlock
    case CMARK_NODE_PARAGRAPH: self = .paragraph
    case CMARK_NODE_HEADING: self = .heading
    case CMARK_NODE_THEMATIC_BREAK: self = .thematicBreak
    case CMARK_NODE_TEXT: self = .text
    case CMARK_NODE_SOFTBREAK: self = .softBreak
    case CMARK_NODE_LINEBREAK: self = .lineBreak
    case CMARK_NODE_CODE: self = .code
    case CMARK_NODE_HTML_INLINE: self = .htmlInline
    case CMARK_NODE_CUSTOM_INLINE: self = .customInline
    case CMARK_NODE_EMPH: self = .emphasis
    case CMARK_NODE_STRONG: self = .strong
    case CMARK_NODE_LINK: self = .link
    case CMARK_NODE_IMAGE: self = .image
    default: preconditionFailure("cmark 0.30 has no node type \(type.rawValue)")
    }
  }

  fileprivate var cmarkType: cmark_node_type {
    switch self {
    case .document: CMARK_NODE_DOCUMENT
    case .blockQuote: CMARK_NODE_BLOCK_QUOTE
    case .list: CMARK_NODE_LIST
    case .item: CMARK_NODE_ITEM
    case .codeBlock: CMARK_NODE_CODE_BLOCK
    case .htmlBlock: CMARK_NODE_HTML_BLOCK
    case .customBlock: CMARK_NODE_CUSTOM_BLOCK
    case .paragraph: CMARK_NODE_PARAGRAPH
    case .heading: CMARK_NODE_HEADING
    case .thematicBreak: CMARK_NODE_THEMATIC_BREAK
    case .text: CMARK_NODE_TEXT
    case .softBreak: CMARK_NODE_SOFTBREAK
    case .lineBreak: CMARK_NODE_LINEBREAK
    case .code: CMARK_NODE_CODE
    case .htmlInline: CMARK_NODE_HTML_INLINE
    case .customInline: CMARK_NODE_CUSTOM_INLINE
    case .emphasis: CMARK_NODE_EMPH
    case .strong: CMARK_NODE_STRONG
    case .link: CMARK_NODE_LINK
    case .image: CMARK_NODE_IMAGE
    }
  }

  var isLineBreak: Bool { self == .softBreak || self == .lineBreak }
}

/// What a generated node stands for, kept as a typed value beside the tree until the HTML is
/// written, so that no later pass reads meaning back out of an HTML string.
enum NodeRole: Equatable, Sendable {
  /// A heading of level 3 or below, rendered as a custom block with its own anchor.
  case heading(level: Int, anchor: String)
  /// An `<a id>` anchor that links can name.
  case anchor(String)
  /// A DocFX alert.
  case alert(AlertKind)
  /// A deployment's value put in by substitution.
  case value(key: String)
}

/// A parsed cmark document that owns every node it holds, made, or had unlinked.
///
/// Passes never free a node: unlinking hands it back to the tree, which frees everything once,
/// when it goes away. A node read after a pass removed it is still valid memory, and `rewrite`
/// never visits it. Nothing of cmark leaves `Markdown/`: the rest of RunbookKit sees strings and
/// typed values.
final class MarkdownTree {
  fileprivate let document: OpaquePointer
  /// Nodes made here or unlinked from the document. At `deinit`, those without a parent are the
  /// roots of detached subtrees and are freed with everything below them.
  fileprivate var loose: [OpaquePointer] = []
  fileprivate var roles: [OpaquePointer: NodeRole] = [:]
  fileprivate var sourceLines: [OpaquePointer: Int] = [:]
  fileprivate var includeOrigins: [OpaquePointer: IncludeOrigin] = [:]
  /// Each node's `topmost`, as far as it was asked; a node that moves forgets it for its subtree.
  fileprivate var topmosts: [OpaquePointer: OpaquePointer] = [:]

  /// Parses CommonMark with source positions on; cmark never fails on any text.
  init(parsing markdown: String) {
    document = Self.parse(markdown)
  }

  deinit {
    // Every root is found before anything is freed: a parent's pointer is read only while alive.
    let roots = Set(loose.filter { cmark_node_parent($0) == nil && $0 != document })
    for node in roots { cmark_node_free(node) }
    cmark_node_free(document)
  }

  var root: MarkdownNode { MarkdownNode(document, in: self) }

  /// A new node of `kind`, owned by this tree until it goes.
  func make(_ kind: NodeKind) -> MarkdownNode {
    guard let node = cmark_node_new(kind.cmarkType) else {
      fatalError("cmark_node_new: out of memory")
    }
    loose.append(node)
    return MarkdownNode(node, in: self)
  }

  func text(_ literal: String) -> MarkdownNode {
    let node = make(.text)
    node.literal = literal
    return node
  }

  /// A node rendered as `enter`, its children, then `exit`: how generated HTML enters the tree,
  /// so that cmark stays in safe mode and still escapes every text inside.
  func custom(block: Bool, enter: String, exit: String, role: NodeRole? = nil) -> MarkdownNode {
    let node = make(block ? .customBlock : .customInline)
    node.setCustom(enter: enter, exit: exit)
    if let role { roles[node.raw] = role }
    return node
  }

  /// A block element whose content is inline, such as `<h3>` or `<pre>`: an empty custom block
  /// holding a custom inline, since cmark puts a line break after a custom block's opening text.
  /// Returns the block to insert and the inline to fill.
  func inlineBlock(enter: String, exit: String, role: NodeRole? = nil) -> (
    block: MarkdownNode, content: MarkdownNode
  ) {
    let block = custom(block: true, enter: "", exit: "", role: role)
    let content = custom(block: false, enter: enter, exit: exit)
    block.append(content)
    return (block, content)
  }

  /// Parses `markdown` as a separate document owned by this tree, whose nodes can move into it
  /// (a table cell's inlines).
  func fragment(parsing markdown: String) -> MarkdownNode {
    let node = Self.parse(markdown)
    loose.append(node)
    return MarkdownNode(node, in: self)
  }

  /// Applies `pass` to every node still in the document, children before their parents, so
  /// that a pass sees its node's content already rewritten. Nodes a pass unlinks, or moves out
  /// of the document, are not visited after that.
  ///
  /// - Parameter top: the part of the tree to rewrite (a fragment not yet in the document);
  ///   the document when nil.
  func rewrite(_ pass: inout some TreeRewriter, under top: MarkdownNode? = nil) {
    let top = top ?? root
    let topmost = top.topmost
    for node in top.postorder where node.topmost == topmost {
      switch pass.rewrite(node) {
      case .keep:
        break
      case .replace(let replacements):
        for replacement in replacements { node.insertBefore(replacement) }
        node.remove()
      }
    }
  }

  private static func parse(_ markdown: String) -> OpaquePointer {
    guard let document = cmark_parse_document(markdown, markdown.utf8.count, CMARK_OPT_SOURCEPOS)
    else {
      fatalError("cmark_parse_document returned NULL (out of memory)")
    }
    return document
  }
}

/// What a `TreeRewriter` makes of a node.
enum Rewrite {
  case keep
  /// The node goes and these stand in its place, in order; none removes it.
  case replace([MarkdownNode])

  static var remove: Rewrite { .replace([]) }
  static func replace(with node: MarkdownNode) -> Rewrite { .replace([node]) }
}

/// One pass over a tree, in the manner of swift-markdown's `MarkupRewriter`: it says what each
/// node becomes; `MarkdownTree.rewrite` does the descending and the unlinking.
protocol TreeRewriter {
  mutating func rewrite(_ node: MarkdownNode) -> Rewrite
}

/// A node of a `MarkdownTree`. It keeps its tree alive, so it is valid memory for as long as it
/// exists, whether it is still in the document or not.
struct MarkdownNode: Hashable {
  fileprivate let raw: OpaquePointer
  let tree: MarkdownTree

  fileprivate init(_ raw: OpaquePointer, in tree: MarkdownTree) {
    self.raw = raw
    self.tree = tree
  }

  static func == (lhs: MarkdownNode, rhs: MarkdownNode) -> Bool { lhs.raw == rhs.raw }
  func hash(into hasher: inout Hasher) { hasher.combine(raw) }

  var kind: NodeKind { NodeKind(cmark_node_get_type(raw)) }
  var role: NodeRole? {
    get { tree.roles[raw] }
    nonmutating set { tree.roles[raw] = newValue }
  }

  var isValue: Bool {
    if case .value = role { return true }
    return false
  }

  private func node(_ pointer: OpaquePointer?) -> MarkdownNode? {
    pointer.map { MarkdownNode($0, in: tree) }
  }

  var parent: MarkdownNode? { node(cmark_node_parent(raw)) }
  var firstChild: MarkdownNode? { node(cmark_node_first_child(raw)) }
  var lastChild: MarkdownNode? { node(cmark_node_last_child(raw)) }
  var next: MarkdownNode? { node(cmark_node_next(raw)) }
  var previous: MarkdownNode? { node(cmark_node_previous(raw)) }

  /// Whether the node is still in its tree's document (not unlinked, nor below an unlinked node).
  var isInDocument: Bool { topmost.raw == tree.document }

  /// The node at the top of this one's tree: the document, a fragment, or an unlinked node.
  ///
  /// Remembered for every node on the way up; a node that moves forgets it for everything below
  /// it, so that asking it of every node of a deeply nested page costs its size, not its size
  /// times its depth.
  var topmost: MarkdownNode {
    var path: [OpaquePointer] = []
    var current = raw
    while true {
      if let known = tree.topmosts[current] {
        current = known
        break
      }
      path.append(current)
      guard let up = cmark_node_parent(current) else { break }
      current = up
    }
    for node in path { tree.topmosts[node] = current }
    return MarkdownNode(current, in: tree)
  }

  /// Forgets the `topmost` of this node and everything below it: they are about to move.
  private func forgetTopmost() {
    guard !tree.topmosts.isEmpty else { return }
    walk { tree.topmosts[$0.raw] = nil }
  }

  var children: [MarkdownNode] {
    var result: [MarkdownNode] = []
    var child = cmark_node_first_child(raw)
    while let current = child {
      result.append(MarkdownNode(current, in: tree))
      child = cmark_node_next(current)
    }
    return result
  }

  /// This node and everything below it, parents before children: a snapshot, safe to change the
  /// tree while going through it (a node removed meanwhile is still valid memory).
  var preorder: [MarkdownNode] {
    var result: [MarkdownNode] = []
    walk { result.append($0) }
    return result
  }

  /// This node and everything below it, children before parents (a snapshot).
  var postorder: [MarkdownNode] {
    var result: [MarkdownNode] = []
    // Without recursion, as `walk`: from the deepest first child up, then the next sibling's.
    var current = raw
    while let child = cmark_node_first_child(current) { current = child }
    while true {
      result.append(MarkdownNode(current, in: tree))
      if current == raw { break }
      if var next = cmark_node_next(current) {
        while let child = cmark_node_first_child(next) { next = child }
        current = next
      } else if let up = cmark_node_parent(current) {
        current = up
      } else {
        break
      }
    }
    return result
  }

  /// Calls `body` on this node and everything below it, parents before children; `body` must
  /// not change the tree (take `preorder` for that).
  ///
  /// Without recursion, following cmark's parent and sibling links: a page nested thousands of
  /// levels deep (lists in lists, quotes in quotes) would overflow the stack.
  func walk(_ body: (MarkdownNode) -> Void) {
    var current = raw
    while true {
      body(MarkdownNode(current, in: tree))
      if let child = cmark_node_first_child(current) {
        current = child
        continue
      }
      // Up to the nearest node below `raw` that has a next sibling.
      while current != raw, cmark_node_next(current) == nil, let up = cmark_node_parent(current) {
        current = up
      }
      guard current != raw, let next = cmark_node_next(current) else { return }
      current = next
    }
  }

  /// 1-based, counting lines of the markdown body; 0 when cmark does not know.
  var line: Int { Int(cmark_node_get_start_line(raw)) }
  var endLine: Int { Int(cmark_node_get_end_line(raw)) }
  var column: Int { Int(cmark_node_get_start_column(raw)) }

  /// Where the text of an included file came from, on the top blocks an include put in.
  var includeOrigin: IncludeOrigin? {
    get { tree.includeOrigins[raw] }
    nonmutating set { tree.includeOrigins[raw] = newValue }
  }

  /// The body line a generated node stands for, when it replaced source text (a table and its
  /// rows); 0 when none.
  var sourceLine: Int {
    get { tree.sourceLines[raw] ?? 0 }
    nonmutating set { tree.sourceLines[raw] = newValue }
  }

  var literal: String? {
    get { cmark_node_get_literal(raw).map { String(cString: $0) } }
    nonmutating set { cmark_node_set_literal(raw, newValue) }
  }

  var url: String? {
    get { cmark_node_get_url(raw).map { String(cString: $0) } }
    nonmutating set { cmark_node_set_url(raw, newValue) }
  }

  var title: String? {
    get { cmark_node_get_title(raw).map { String(cString: $0) } }
    nonmutating set { cmark_node_set_title(raw, newValue) }
  }

  var fenceInfo: String {
    get { cmark_node_get_fence_info(raw).map { String(cString: $0) } ?? "" }
    nonmutating set { cmark_node_set_fence_info(raw, newValue) }
  }
  var headingLevel: Int {
    get { Int(cmark_node_get_heading_level(raw)) }
    nonmutating set { cmark_node_set_heading_level(raw, Int32(newValue)) }
  }
  var isOrderedList: Bool {
    kind == .list && cmark_node_get_list_type(raw) == CMARK_ORDERED_LIST
  }
  var listStart: Int { Int(cmark_node_get_list_start(raw)) }
  func setListTight(_ tight: Bool) { cmark_node_set_list_tight(raw, tight ? 1 : 0) }

  /// Sets what a custom node renders around its children.
  func setCustom(enter: String, exit: String) {
    cmark_node_set_on_enter(raw, enter)
    cmark_node_set_on_exit(raw, exit)
  }

  /// Appends `child`, unlinking it from wherever it was.
  func append(_ child: MarkdownNode) {
    child.forgetTopmost()
    precondition(cmark_node_append_child(raw, child.raw) == 1, "cmark refused a child node")
  }

  func insertBefore(_ sibling: MarkdownNode) {
    sibling.forgetTopmost()
    precondition(cmark_node_insert_before(raw, sibling.raw) == 1, "cmark refused a sibling node")
  }

  func insertAfter(_ sibling: MarkdownNode) {
    sibling.forgetTopmost()
    precondition(cmark_node_insert_after(raw, sibling.raw) == 1, "cmark refused a sibling node")
  }

  /// Puts `replacement` where this node was; this node is unlinked and stays the tree's.
  func replace(with replacement: MarkdownNode) {
    insertBefore(replacement)
    remove()
  }

  /// Moves every child of this node, in order, to the end of `other`.
  func moveChildren(to other: MarkdownNode) {
    while let child = firstChild { other.append(child) }
  }

  /// Unlinks this node and what is below it; the tree frees them when it goes.
  func remove() {
    forgetTopmost()
    cmark_node_unlink(raw)
    tree.loose.append(raw)
  }

  /// The text a reader sees, without markup: for slugs, matching and titles.
  var plainText: String {
    var text = ""
    walk { node in
      switch node.kind {
      case .text, .code: text += node.literal ?? ""
      case .softBreak, .lineBreak: text += " "
      default: break
      }
    }
    return text
  }

  /// This node rendered by cmark in safe mode: authors' raw HTML never passes through.
  var html: String {
    guard let buffer = cmark_render_html(raw, CMARK_OPT_DEFAULT) else {
      fatalError("cmark_render_html returned NULL (out of memory)")
    }
    defer { free(buffer) }
    return String(cString: buffer)
  }

  /// This node written back as CommonMark by cmark (no line wrapping): the same text for the
  /// same tree, whatever spacing the source used.
  var commonMark: String {
    guard let buffer = cmark_render_commonmark(raw, CMARK_OPT_DEFAULT, 0) else {
      fatalError("cmark_render_commonmark returned NULL (out of memory)")
    }
    defer { free(buffer) }
    return String(cString: buffer)
  }

  /// The HTML of the children only, such as a heading's inline content.
  var innerHTML: String {
    children.map(\.html).joined()
  }
}
