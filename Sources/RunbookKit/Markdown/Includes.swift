import Foundation

/// Where the text of an included file came from: what its diagnostics name.
struct IncludeOrigin: Sendable {
  /// The included file, as diagnostics show it.
  var path: String
  /// Lines of the file before the markdown (its front matter).
  var lineOffset: Int
  /// `page.md:5`: the line that pulled it in.
  var includedFrom: String
}

/// DocFX's includes, `[!INCLUDE[title](path)]`, as a block (a paragraph of its own) or inline:
/// the included file's markdown (its front matter dropped) takes the include's place, parsed by
/// cmark, before any other DocFX pass, so that it is rewritten and substituted like the page.
/// Includes inside includes are expanded too; a cycle or a missing file is an error at the line
/// that names it. Relative links and images of an included file start from its own folder.
struct Includes {
  let files: IncludeFiles
  var diagnostics: [Diagnostic] = []

  init(files: IncludeFiles) { self.files = files }

  /// Expands every include of `root`, a file whose links start from `folder` (relative to the
  /// page's folder), shown as `path` with `offset` lines before its markdown.
  mutating func expand(
    _ root: MarkdownNode, folder: String, path: String, offset: Int, chain: [String]
  ) {
    for paragraph in root.preorder where paragraph.kind == .paragraph {
      let found = Self.includes(in: paragraph)
      guard !found.isEmpty else { continue }
      let here = paragraph.location(in: path, offset: offset)
      for include in found {
        let key = IncludeFiles.normalize(
          folder.isEmpty ? include.path : folder + "/" + include.path)
        let at = SourceLocation(path: here.path, line: here.line, includedFrom: here.includedFrom)
        // `page.md:3`, or the whole chain of files that pulled this one in.
        let from =
          here.includedFrom.map { "\($0):\nIn file included from \(here.path):\(here.line)" }
          ?? "\(here.path):\(here.line)"
        if let cycle = chain.firstIndex(of: key) {
          diagnostics.append(
            .error(
              at: at,
              "the include '\(include.path)' pulls itself in: \((chain[cycle...] + [key]).joined(separator: " → "))",
              fix: "remove one of these includes"))
          include.remove()
          continue
        }
        if let link = files.refused[key] {
          diagnostics.append(Self.refusal("include", include.path, link: link, at: at))
          include.remove()
          continue
        }
        guard let file = files.files[key] ?? nil else {
          diagnostics.append(
            .error(
              at: at, "the include '\(include.path)' names no file",
              fix: "check the path: it starts from the folder of the file that includes it"))
          include.remove()
          continue
        }
        let tree = paragraph.tree
        let fragment = tree.fragment(parsing: file.body)
        let includeFolder = (key as NSString).deletingLastPathComponent
        Self.rebase(fragment, from: includeFolder)
        let origin = IncludeOrigin(
          path: file.path, lineOffset: file.bodyLineOffset, includedFrom: from)
        for block in fragment.children { block.includeOrigin = origin }
        expandCode(
          fragment, folder: includeFolder, path: file.path, offset: file.bodyLineOffset)
        expand(
          fragment, folder: includeFolder, path: file.path, offset: file.bodyLineOffset,
          chain: chain + [key])
        include.replace(with: fragment, block: found.count == 1 && include.isWholeParagraph)
      }
    }
  }

  /// The error for a file a symbolic link would have taken out of the source folder.
  static func refusal(_ what: String, _ path: String, link: String, at: SourceLocation)
    -> Diagnostic
  {
    link.isEmpty
      ? .error(
        at: at, "the \(what) '\(path)' is outside the source folder",
        fix: "keep the files that pages include inside the source folder")
      : .error(
        at: at,
        "the \(what) '\(path)' leads outside the source folder through the symbolic link '\(link)'",
        fix: "copy the file into the source folder instead of linking to it")
  }

  /// Relative links and images of an included file, made relative to the page; its own
  /// includes keep their paths, which start from its folder.
  private static func rebase(_ fragment: MarkdownNode, from folder: String) {
    guard !folder.isEmpty else { return }
    let includeLinks = Set(
      fragment.preorder.filter { $0.kind == .paragraph }.flatMap { includes(in: $0).map(\.link) })
    for node in fragment.preorder where node.kind == .link || node.kind == .image {
      guard !includeLinks.contains(node) else { continue }
      guard let url = node.url, !url.isEmpty, !Substitution.isAbsolute(url), !url.hasPrefix("/"),
        !url.hasPrefix("#")
      else { continue }
      node.url = IncludeFiles.normalize(folder + "/" + url)
    }
  }

  /// One `[!INCLUDE[title](path)]` in a paragraph: the text that opens it, its link, and the text
  /// that closes it.
  struct Found {
    var opening: MarkdownNode
    var link: MarkdownNode
    var closing: MarkdownNode
    var path: String
    var paragraph: MarkdownNode

    /// Whether the include is all its paragraph holds.
    var isWholeParagraph: Bool {
      let before = (opening.literal ?? "").replacing(#/\[!(?i:include)\s*$/#, with: "")
      let after = String((closing.literal ?? "").dropFirst())
      return opening.previous == nil && closing.next == nil
        && before.allSatisfy(\.isWhitespace) && after.allSatisfy(\.isWhitespace)
    }

    /// Takes the include out, leaving the text around it.
    func remove() {
      trim()
      link.remove()
    }

    /// Puts the included file's blocks in place of the paragraph (a block include), or its first
    /// paragraph's inlines in place of the include (an inline one).
    func replace(with fragment: MarkdownNode, block: Bool) {
      if block {
        for child in fragment.children { paragraph.insertBefore(child) }
        paragraph.remove()
        return
      }
      trim()
      if let first = fragment.firstChild, first.kind == .paragraph {
        for inline in first.children { link.insertBefore(inline) }
      }
      link.remove()
    }

    /// Cuts `[!INCLUDE` from the opening text and `]` from the closing one.
    private func trim() {
      opening.literal = (opening.literal ?? "").replacing(#/\[!(?i:include)\s*$/#, with: "")
      closing.literal = String((closing.literal ?? "").dropFirst())
    }
  }

  /// The includes of a paragraph: text ending in `[!INCLUDE`, a link, text starting with `]`.
  static func includes(in paragraph: MarkdownNode) -> [Found] {
    let children = paragraph.children
    guard children.count >= 3 else { return [] }
    var found: [Found] = []
    for index in 0..<(children.count - 2) {
      let (opening, link, closing) = (children[index], children[index + 1], children[index + 2])
      guard opening.kind == .text, link.kind == .link, closing.kind == .text,
        (opening.literal ?? "").contains(#/\[!(?i:include)\s*$/#),
        (closing.literal ?? "").hasPrefix("]"), let url = link.url, !url.isEmpty
      else { continue }
      found.append(
        Found(opening: opening, link: link, closing: closing, path: url, paragraph: paragraph))
    }
    return found
  }
}
