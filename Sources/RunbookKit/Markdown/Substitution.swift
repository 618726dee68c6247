internal import Ccmark

/// What a sample name becomes in one deployment.
struct Replacement {
  var key: String
  var value: String
  var isSecret: Bool

  /// The opening tag that marks the value; hovering shows the value's name.
  var openTag: String {
    let classes = isSecret ? "value secret" : "value"
    let hover = isSecret ? "\(key): where the password is kept" : key
    return
      "<span class=\"\(classes)\" data-key=\"\(key.htmlEscaped)\" title=\"\(hover.htmlEscaped)\">"
  }
}

/// Replaces sample names on the tree: in text, code spans, code blocks, image alt text and
/// absolute URLs; never in relative link or image paths. Values enter as text nodes inside
/// marking custom nodes, so cmark escapes them and no value can change the structure.
struct Substitution {
  let matcher: SampleMatcher
  /// By value index, as the matcher numbers them.
  let replacements: [Replacement]

  /// Substitutes the whole tree; returns how often each value was used.
  func apply(to root: MarkdownNode) -> [Int] {
    var usage = Array(repeating: 0, count: replacements.count)
    for node in root.preorder {
      switch node.type {
      case CMARK_NODE_TEXT:
        substituteText(node, usage: &usage)
      case CMARK_NODE_CODE:
        substituteCode(node, usage: &usage)
      case CMARK_NODE_CODE_BLOCK:
        substituteCodeBlock(node, usage: &usage)
      case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
        if let url = node.url, Self.isAbsolute(url) {
          node.url = substitutedPlain(url, usage: &usage)
        }
        if let title = node.title, !title.isEmpty {
          node.title = substitutedPlain(title, usage: &usage)
        }
      default:
        break
      }
    }
    return usage
  }

  /// `http://`, `mailto:`, `//host`: URLs that name a host. Paths such as `media/x.png` and
  /// `install-mim-sync.md` are files of the docs and stay as written.
  static func isAbsolute(_ url: String) -> Bool {
    if url.hasPrefix("//") { return true }
    guard let colon = url.firstIndex(of: ":") else { return false }
    let scheme = url[..<colon]
    return !scheme.isEmpty
      && scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
  }

  private func substituteText(_ node: MarkdownNode, usage: inout [Int]) {
    let literal = node.literal ?? ""
    let matches = matcher.matches(in: literal)
    guard !matches.isEmpty else { return }
    for fragment in fragments(of: literal, matches, usage: &usage) {
      node.insertBefore(fragment)
    }
    node.remove()
  }

  private func substituteCode(_ node: MarkdownNode, usage: inout [Int]) {
    let literal = node.literal ?? ""
    let matches = matcher.matches(in: literal)
    guard !matches.isEmpty else { return }
    let code = MarkdownNode.custom(block: false, enter: "<code>", exit: "</code>")
    for fragment in fragments(of: literal, matches, usage: &usage) {
      code.append(fragment)
    }
    node.replace(with: code)
  }

  private func substituteCodeBlock(_ node: MarkdownNode, usage: inout [Int]) {
    let literal = node.literal ?? ""
    let matches = matcher.matches(in: literal)
    guard !matches.isEmpty else { return }
    let language =
      node.fenceInfo.split(separator: " ").first.map {
        " class=\"language-\(String($0).htmlEscaped)\""
      } ?? ""
    let pre = MarkdownNode.inlineBlock(enter: "<pre><code\(language)>", exit: "</code></pre>")
    for fragment in fragments(of: literal, matches, usage: &usage) {
      pre.content.append(fragment)
    }
    node.replace(with: pre.block)
  }

  /// Text and value nodes for `literal`, in order.
  private func fragments(of literal: String, _ matches: [SampleMatcher.Match], usage: inout [Int])
    -> [MarkdownNode]
  {
    let bytes = Array(literal.utf8)
    var nodes: [MarkdownNode] = []
    var start = 0
    for match in matches {
      if match.range.lowerBound > start {
        nodes.append(.text(String(decoding: bytes[start..<match.range.lowerBound], as: UTF8.self)))
      }
      let replacement = replacements[match.value]
      nodes.append(.value(enter: replacement.openTag, exit: "</span>", text: replacement.value))
      usage[match.value] += 1
      start = match.range.upperBound
    }
    if start < bytes.count {
      nodes.append(.text(String(decoding: bytes[start...], as: UTF8.self)))
    }
    return nodes
  }

  /// Substitutes where no markup can go (a URL, a title): the value alone.
  private func substitutedPlain(_ text: String, usage: inout [Int]) -> String {
    let matches = matcher.matches(in: text)
    guard !matches.isEmpty else { return text }
    let bytes = Array(text.utf8)
    var result = ""
    var start = 0
    for match in matches {
      result += String(decoding: bytes[start..<match.range.lowerBound], as: UTF8.self)
      result += replacements[match.value].value
      usage[match.value] += 1
      start = match.range.upperBound
    }
    return result + String(decoding: bytes[start...], as: UTF8.self)
  }
}
