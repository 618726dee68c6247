import Foundation

/// Sends every link where a reader of the runbook site should land: links between pages of the
/// runbook go to the stage page holding the target; links to other pages and site-relative links
/// go upstream. No rendered link points at a `.md` file.
public struct LinkResolver: Sendable {
  /// Outlines by page name (file name without `.md`).
  let outlines: [String: PageOutline]
  /// Outlines by path in the docs without `.md` (`pam/tier-model`): what relative links name.
  let outlinesByPath: [String: PageOutline]
  /// Base URL of the upstream docs, ending in `/`.
  let upstream: String?

  public init(outlines: [PageOutline], upstream: String?) {
    self.outlines = Dictionary(
      outlines.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    outlinesByPath = Dictionary(
      outlines.map { ($0.folder + $0.name, $0) }, uniquingKeysWith: { first, _ in first })
    self.upstream = upstream
  }

  public enum Resolution: Equatable, Sendable {
    case unchanged
    case rewritten(String)
    case broken(message: String, fix: String)
  }

  /// Where `url`, written on `page` in the stage `stage`, should go from that stage's page.
  ///
  /// A relative link starts from the page's own folder in the docs, in the runbook and upstream;
  /// its query and anchor are kept (`x.md?tabs=a#step-2`; an empty `?` goes).
  public func resolve(_ url: String, page: String, stage: String) -> Resolution {
    // A link that starts with a value was absolute before the value replaced its sample (only
    // absolute URLs are substituted): while the runbook is compiled it starts with the value's
    // placeholder, a private-use character.
    let startsWithValue = url.unicodeScalars.first?.properties.generalCategory == .privateUse
    if url.isEmpty || startsWithValue || Substitution.isAbsolute(url) { return .unchanged }
    if url.hasPrefix("/") {
      guard let origin = upstreamOrigin else {
        return .broken(
          message: "site-relative link '\(url)' has no site to go to",
          fix: "add 'upstream:' with the docs' base URL to the runbook definition")
      }
      return .rewritten(origin + url)
    }
    // DocFX tab links (`#tab/powershell`) name a tab of a tab group, not an anchor.
    if url.hasPrefix("#tab/") { return .unchanged }
    let parts = Self.split(url)
    let folder = outlines[page]?.folder ?? ""
    let resolved = parts.path.isEmpty ? nil : Self.relativePath(of: parts.path, from: folder)
    let target =
      parts.path.isEmpty
      ? outlines[page]
      : resolved.flatMap { $0.hasSuffix(".md") ? outlinesByPath[String($0.dropLast(3))] : nil }
    guard let outline = target else {
      guard let upstream else {
        return .broken(
          message: "link to '\(url)', which is not in this runbook",
          fix:
            "add the page to 'pages:' in the runbook definition, or add 'upstream:' so that such links go to the published docs"
        )
      }
      let path = parts.path.hasSuffix(".md") ? String(parts.path.dropLast(3)) : parts.path
      let base = URL(string: upstream + folder)
      let address = URL(string: path, relativeTo: base)?.absoluteString ?? upstream + folder + path
      return .rewritten(
        address + (parts.query.map { "?" + $0 } ?? "") + (parts.fragment.map { "#" + $0 } ?? ""))
    }
    guard let fragment = parts.fragment, !fragment.isEmpty else {
      guard let first = outline.stages.first else { return .unchanged }
      return .rewritten(href(page: outline.name, stage: first.slug, from: page, fragment: nil))
    }
    guard let holder = outline.anchors[fragment] ?? outline.anchors[fragment.lowercased()] else {
      let known = outline.stages.map(\.slug)
      return .broken(
        message: "link to '#\(fragment)', which no heading or anchor of \(outline.path) has",
        fix: Spelling.closest(to: fragment, among: Array(outline.anchors.keys)).map {
          "did you mean '#\($0)'?"
        }
          ?? "link to one of its stages: \(known.map { "#" + $0 }.joined(separator: ", "))")
    }
    if outline.name == page && holder == stage {
      return parts.path.isEmpty ? .unchanged : .rewritten("#" + fragment)
    }
    return .rewritten(href(page: outline.name, stage: holder, from: page, fragment: fragment))
  }

  /// A relative URL's path, query (without `?`, nil when empty) and fragment (without `#`).
  static func split(_ url: String) -> (path: String, query: String?, fragment: String?) {
    let hash = url.firstIndex(of: "#")
    let beforeHash = url[..<(hash ?? url.endIndex)]
    let fragment = hash.map { String(url[url.index(after: $0)...]) }
    let question = beforeHash.firstIndex(of: "?")
    let path = String(beforeHash[..<(question ?? beforeHash.endIndex)])
    let query = question.map { String(beforeHash[beforeHash.index(after: $0)...]) }
    return (path, query?.isEmpty == false ? query : nil, fragment)
  }

  /// `path` (without query or anchor) from a page in `folder`, as a path from the top of the
  /// docs: `../y.md` from `pam/` is `y.md`; nil when it leaves the top.
  static func relativePath(of path: String, from folder: String) -> String? {
    var parts = folder.split(separator: "/").map(String.init)
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
      switch component {
      case ".": continue
      case "..":
        guard !parts.isEmpty else { return nil }
        parts.removeLast()
      default: parts.append(String(component))
      }
    }
    return parts.joined(separator: "/")
  }

  /// Rewrites the links of some blocks in place; broken ones become diagnostics.
  func rewrite(
    blocks: [MarkdownNode], page: PageSource, stage: String,
    locate: (MarkdownNode) -> SourceLocation
  ) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    for block in blocks {
      for link in block.preorder where link.kind == .link {
        switch resolve(link.url ?? "", page: page.name, stage: stage) {
        case .unchanged:
          break
        case .rewritten(let url):
          link.url = url
        case .broken(let message, let fix):
          diagnostics.append(
            .error(at: locate(link), message, fix: fix))
        }
      }
    }
    return diagnostics
  }

  /// A stage page's address from a stage page: stage pages live in `<page>/<stage>.html`.
  func href(page target: String, stage: String, from page: String, fragment: String?) -> String {
    let file = Self.escape(stage) + ".html" + (fragment.map { "#" + $0 } ?? "")
    return target == page ? file : "../\(Self.escape(target))/\(file)"
  }

  static func escape(_ component: String) -> String {
    component.addingPercentEncoding(
      withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
      ?? component
  }

  private var upstreamOrigin: String? {
    guard let upstream, let url = URL(string: upstream), let scheme = url.scheme,
      let host = url.host
    else {
      return nil
    }
    return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
  }
}
