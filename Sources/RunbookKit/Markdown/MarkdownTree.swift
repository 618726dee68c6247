internal import Ccmark

/// A parsed cmark document that owns its nodes and frees them when it goes away.
///
/// Nothing of cmark leaves `Markdown/`: the rest of RunbookKit sees strings and values.
final class MarkdownTree {
  let root: MarkdownNode

  /// Parses CommonMark with source positions on; cmark never fails on any text.
  init(parsing markdown: String) {
    guard let document = cmark_parse_document(markdown, markdown.utf8.count, CMARK_OPT_SOURCEPOS)
    else {
      fatalError("cmark_parse_document returned NULL (out of memory)")
    }
    root = MarkdownNode(document)
  }

  deinit { cmark_node_free(root.raw) }
}

/// A node of a `MarkdownTree`, borrowed: the tree frees it, unless it was unlinked, in which case
/// whoever unlinked it calls `free()`.
struct MarkdownNode: Hashable {
  let raw: OpaquePointer

  init(_ raw: OpaquePointer) { self.raw = raw }

  /// Tags the value nodes that substitution makes (cmark never reads `user_data`).
  nonisolated(unsafe) private static let valueTag = UnsafeMutableRawPointer(bitPattern: 0x7661)

  static func make(_ type: cmark_node_type) -> MarkdownNode {
    guard let node = cmark_node_new(type) else { fatalError("cmark_node_new: out of memory") }
    return MarkdownNode(node)
  }

  static func text(_ literal: String) -> MarkdownNode {
    let node = make(CMARK_NODE_TEXT)
    node.literal = literal
    return node
  }

  /// A node rendered as `enter`, its children, then `exit`: how generated HTML enters the tree,
  /// so that cmark stays in safe mode and still escapes every text inside.
  static func custom(block: Bool, enter: String, exit: String) -> MarkdownNode {
    let node = make(block ? CMARK_NODE_CUSTOM_BLOCK : CMARK_NODE_CUSTOM_INLINE)
    cmark_node_set_on_enter(node.raw, enter)
    cmark_node_set_on_exit(node.raw, exit)
    return node
  }

  /// A block element whose content is inline, such as `<h3>` or `<pre>`: an empty custom block
  /// holding a custom inline, since cmark puts a line break after a custom block's opening text.
  /// Returns the block to insert and the inline to fill.
  static func inlineBlock(enter: String, exit: String) -> (
    block: MarkdownNode, content: MarkdownNode
  ) {
    let block = custom(block: true, enter: "", exit: "")
    let content = custom(block: false, enter: enter, exit: exit)
    block.append(content)
    return (block, content)
  }

  /// A custom inline that marks a substituted value.
  static func value(enter: String, exit: String, text: String) -> MarkdownNode {
    let node = custom(block: false, enter: enter, exit: exit)
    cmark_node_set_user_data(node.raw, valueTag)
    node.append(.text(text))
    return node
  }

  var isValue: Bool { cmark_node_get_user_data(raw) == Self.valueTag }

  var type: cmark_node_type { cmark_node_get_type(raw) }
  var isBlock: Bool { type.rawValue <= CMARK_NODE_LAST_BLOCK.rawValue }

  var parent: MarkdownNode? { cmark_node_parent(raw).map(MarkdownNode.init) }
  var firstChild: MarkdownNode? { cmark_node_first_child(raw).map(MarkdownNode.init) }
  var lastChild: MarkdownNode? { cmark_node_last_child(raw).map(MarkdownNode.init) }
  var next: MarkdownNode? { cmark_node_next(raw).map(MarkdownNode.init) }
  var previous: MarkdownNode? { cmark_node_previous(raw).map(MarkdownNode.init) }

  var children: [MarkdownNode] {
    var result: [MarkdownNode] = []
    var child = firstChild
    while let node = child {
      result.append(node)
      child = node.next
    }
    return result
  }

  /// This node and everything below it, parents before children.
  var preorder: [MarkdownNode] {
    var result: [MarkdownNode] = []
    func visit(_ node: MarkdownNode) {
      result.append(node)
      var child = node.firstChild
      while let current = child {
        visit(current)
        child = current.next
      }
    }
    visit(self)
    return result
  }

  /// 1-based, counting lines of the markdown body; 0 when cmark does not know.
  var line: Int { Int(cmark_node_get_start_line(raw)) }
  var endLine: Int { Int(cmark_node_get_end_line(raw)) }

  /// The body line a custom node stands for, when it replaced source text (a table and its rows),
  /// kept in `user_data` with a tag in its low byte; 0 when none.
  var sourceLine: Int {
    get {
      guard type == CMARK_NODE_CUSTOM_BLOCK, let data = cmark_node_get_user_data(raw) else {
        return 0
      }
      let bits = UInt(bitPattern: data)
      return bits & 0xFF == Self.lineTag ? Int(bits >> 8) : 0
    }
    nonmutating set {
      cmark_node_set_user_data(
        raw, UnsafeMutableRawPointer(bitPattern: UInt(newValue) << 8 | Self.lineTag))
    }
  }

  private static let lineTag: UInt = 0x4C
  var column: Int { Int(cmark_node_get_start_column(raw)) }

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

  var fenceInfo: String { cmark_node_get_fence_info(raw).map { String(cString: $0) } ?? "" }
  var headingLevel: Int { Int(cmark_node_get_heading_level(raw)) }
  var isOrderedList: Bool {
    type == CMARK_NODE_LIST && cmark_node_get_list_type(raw) == CMARK_ORDERED_LIST
  }
  var listStart: Int { Int(cmark_node_get_list_start(raw)) }
  func setListTight(_ tight: Bool) { cmark_node_set_list_tight(raw, tight ? 1 : 0) }

  func append(_ child: MarkdownNode) {
    precondition(cmark_node_append_child(raw, child.raw) == 1, "cmark refused a child node")
  }

  func insertBefore(_ sibling: MarkdownNode) {
    precondition(cmark_node_insert_before(raw, sibling.raw) == 1, "cmark refused a sibling node")
  }

  /// Puts `replacement` where this node was, then frees this node and what is below it.
  func replace(with replacement: MarkdownNode) {
    insertBefore(replacement)
    remove()
  }

  /// Moves every child of this node, in order, to the end of `other`.
  func moveChildren(to other: MarkdownNode) {
    while let child = firstChild {
      cmark_node_unlink(child.raw)
      other.append(child)
    }
  }

  /// Unlinks and frees this node and everything below it.
  func remove() {
    cmark_node_unlink(raw)
    cmark_node_free(raw)
  }

  /// The text a reader sees, without markup: for slugs, matching and titles.
  var plainText: String {
    var text = ""
    for node in preorder {
      switch node.type {
      case CMARK_NODE_TEXT, CMARK_NODE_CODE: text += node.literal ?? ""
      case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: text += " "
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

  /// The HTML of the children only, such as a heading's inline content.
  var innerHTML: String {
    children.map(\.html).joined()
  }
}

extension MarkdownNode {
  /// Sets what a custom node renders around its children.
  func setCustom(enter: String, exit: String) {
    cmark_node_set_on_enter(raw, enter)
    cmark_node_set_on_exit(raw, exit)
  }
}
