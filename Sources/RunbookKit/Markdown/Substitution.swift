/// Replaces sample names on the tree: in text, code spans, code blocks, image alt text and
/// absolute URLs; never in relative link or image paths. Values enter as text nodes inside
/// marking custom nodes, so cmark escapes them and no value can change the structure.
struct Substitution {
  let matcher: SampleMatcher
  /// What each value becomes, in the order the matcher numbers them.
  let values: [PageValue]

  /// What substituting a tree did.
  struct Applied {
    /// How often each value was used.
    var usage: ValueCounts
    /// Dotted names only partly replaced (`mail.contoso.com`), with their 1-based file lines.
    var halfReplaced: [(name: String, line: Int)] = []
  }

  /// Substitutes the whole tree.
  ///
  /// - Parameter lineOffset: lines of the file before the markdown, for the lines reported.
  func apply(to tree: MarkdownTree, lineOffset: Int) -> Applied {
    var pass = Pass(substitution: self, lineOffset: lineOffset)
    tree.rewrite(&pass)
    return pass.applied
  }

  private struct Pass: TreeRewriter {
    let substitution: Substitution
    let lineOffset: Int
    var applied: Applied

    init(substitution: Substitution, lineOffset: Int) {
      self.substitution = substitution
      self.lineOffset = lineOffset
      applied = Applied(usage: ValueCounts(count: substitution.values.count))
    }

    mutating func rewrite(_ node: MarkdownNode) -> Rewrite {
      if node.kind == .text || node.kind == .code || node.kind == .codeBlock,
        let literal = node.literal
      {
        noteHalfReplacedNames(in: literal, of: node)
      }
      switch node.kind {
      case .text:
        return substitution.substituteText(node, usage: &applied.usage)
      case .code:
        return substitution.substituteCode(node, usage: &applied.usage)
      case .codeBlock:
        return substitution.substituteCodeBlock(node, usage: &applied.usage)
      case .link, .image:
        if let url = node.url, Substitution.isAbsolute(url) {
          node.url = substitution.substitutedPlain(url, usage: &applied.usage)
        }
        if let title = node.title, !title.isEmpty {
          node.title = substitution.substitutedPlain(title, usage: &applied.usage)
        }
        return .keep
      default:
        return .keep
      }
    }

    /// Records the dotted names of `literal` that substitution would replace only in part.
    mutating func noteHalfReplacedNames(in literal: String, of node: MarkdownNode) {
      let matcher = substitution.matcher
      let names = matcher.halfReplacedNames(in: literal, matches: matcher.matches(in: literal))
      guard !names.isEmpty else { return }
      let bytes = Array(literal.utf8)
      // A fenced code block's text starts on the line after its fence.
      let first = node.fileLine(offset: lineOffset) + (node.kind == .codeBlock ? 1 : 0)
      for (name, offset) in names {
        let line = first + bytes[..<offset].count(where: { $0 == UInt8(ascii: "\n") })
        applied.halfReplaced.append((name, line))
      }
    }
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

  private func substituteText(_ node: MarkdownNode, usage: inout ValueCounts) -> Rewrite {
    let literal = node.literal ?? ""
    let matches = matcher.matches(in: literal)
    guard !matches.isEmpty else { return .keep }
    return .replace(fragments(of: literal, matches, in: node.tree, usage: &usage))
  }

  private func substituteCode(_ node: MarkdownNode, usage: inout ValueCounts) -> Rewrite {
    let literal = node.literal ?? ""
    let matches = matcher.matches(in: literal)
    guard !matches.isEmpty else { return .keep }
    let code = node.tree.custom(block: false, enter: "<code>", exit: "</code>")
    for fragment in fragments(of: literal, matches, in: node.tree, usage: &usage) {
      code.append(fragment)
    }
    return .replace(with: code)
  }

  private func substituteCodeBlock(_ node: MarkdownNode, usage: inout ValueCounts) -> Rewrite {
    let literal = node.literal ?? ""
    let matches = matcher.matches(in: literal)
    guard !matches.isEmpty else { return .keep }
    let language =
      node.fenceInfo.split(separator: " ").first.map {
        " class=\"language-\(String($0).htmlEscaped)\""
      } ?? ""
    // A command holding a secret's reference says so in words, before it: the reference is
    // where the password is kept, never the password, and a copy must not paste it as one.
    var secrets: [PageValue] = []
    for match in matches where values[match.value.position].isSecret {
      let value = values[match.value.position]
      if !secrets.contains(where: { $0.spec.key == value.spec.key }) { secrets.append(value) }
    }
    let needs =
      secrets.isEmpty
      ? ""
      : "<p class=\"secret-needed\">This command needs the password kept at "
        + secrets.map(\.spanHTML).joined(separator: " and ")
        + ": it shows the reference, marked; put the password in its place (the Copy button asks"
        + " for it).</p>\n"
    let pre = node.tree.inlineBlock(
      enter: needs + "<pre><code\(language)>", exit: "</code></pre>")
    for fragment in fragments(of: literal, matches, in: node.tree, usage: &usage) {
      pre.content.append(fragment)
    }
    return .replace(with: pre.block)
  }

  /// Text and value nodes for `literal`, in order.
  private func fragments(
    of literal: String, _ matches: [SampleMatcher.Match], in tree: MarkdownTree,
    usage: inout ValueCounts
  ) -> [MarkdownNode] {
    let bytes = Array(literal.utf8)
    var nodes: [MarkdownNode] = []
    var start = 0
    for match in matches {
      if match.range.lowerBound > start {
        nodes.append(
          tree.text(String(decoding: bytes[start..<match.range.lowerBound], as: UTF8.self)))
      }
      let value = values[match.value.position]
      let span = tree.custom(
        block: false, enter: value.openTag, exit: PageValue.closeTag,
        role: .value(key: value.spec.key))
      span.append(tree.text(value.text))
      nodes.append(span)
      usage[match.value] += 1
      start = match.range.upperBound
    }
    if start < bytes.count {
      nodes.append(tree.text(String(decoding: bytes[start...], as: UTF8.self)))
    }
    return nodes
  }

  /// Substitutes where no markup can go (a URL, a title): the value alone.
  fileprivate func substitutedPlain(_ text: String, usage: inout ValueCounts) -> String {
    let matches = matcher.matches(in: text)
    guard !matches.isEmpty else { return text }
    let bytes = Array(text.utf8)
    var result = ""
    var start = 0
    for match in matches {
      result += String(decoding: bytes[start..<match.range.lowerBound], as: UTF8.self)
      result += values[match.value.position].text
      usage[match.value] += 1
      start = match.range.upperBound
    }
    return result + String(decoding: bytes[start...], as: UTF8.self)
  }
}
