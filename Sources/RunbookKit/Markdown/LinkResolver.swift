import Foundation

/// Sends every link where a reader of the runbook site should land: links between pages of the
/// runbook go to the stage page holding the target; links to other pages and site-relative links
/// go upstream. No rendered link points at a `.md` file.
public struct LinkResolver: Sendable {
  /// Outlines by page name (file name without `.md`).
  let outlines: [String: PageOutline]
  /// Base URL of the upstream docs, ending in `/`.
  let upstream: String?

  public init(outlines: [PageOutline], upstream: String?) {
    self.outlines = Dictionary(
      outlines.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    self.upstream = upstream
  }

  public enum Resolution: Equatable, Sendable {
    case unchanged
    case rewritten(String)
    case broken(message: String, fix: String)
  }

  /// Where `url`, written on `page` in the stage `stage`, should go from that stage's page.
  public func resolve(_ url: String, page: String, stage: String) -> Resolution {
    if url.isEmpty || Substitution.isAbsolute(url) { return .unchanged }
    if url.hasPrefix("/") {
      guard let origin = upstreamOrigin else {
        return .broken(
          message: "site-relative link '\(url)' has no site to go to",
          fix: "add 'upstream:' with the docs' base URL to the runbook definition")
      }
      return .rewritten(origin + url)
    }
    let hash = url.firstIndex(of: "#")
    let path = String(url[..<(hash ?? url.endIndex)])
    let fragment = hash.map { String(url[url.index(after: $0)...]) }
    let target = path.isEmpty ? page : Self.pageName(path)
    guard let outline = target.flatMap({ outlines[$0] }) else {
      guard let upstream else {
        return .broken(
          message: "link to '\(url)', which is not in this runbook",
          fix:
            "add the page to 'pages:' in the runbook definition, or add 'upstream:' so that such links go to the published docs"
        )
      }
      let withoutMarkdown = path.hasSuffix(".md") ? String(path.dropLast(3)) : path
      let base = URL(string: upstream)
      let resolved =
        URL(string: withoutMarkdown, relativeTo: base)?.absoluteString ?? upstream + withoutMarkdown
      return .rewritten(resolved + (fragment.map { "#" + $0 } ?? ""))
    }
    guard let fragment, !fragment.isEmpty else {
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
      return path.isEmpty ? .unchanged : .rewritten("#" + fragment)
    }
    return .rewritten(href(page: outline.name, stage: holder, from: page, fragment: fragment))
  }

  /// Rewrites the links of some blocks in place; broken ones become diagnostics.
  func rewrite(blocks: [MarkdownNode], page: PageSource, stage: String, line: (MarkdownNode) -> Int)
    -> [Diagnostic]
  {
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
            .error(at: SourceLocation(path: page.path, line: line(link)), message, fix: fix))
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

  /// The page name of a relative `.md` path, or nil when the path is not a markdown page.
  static func pageName(_ path: String) -> String? {
    guard path.hasSuffix(".md"), !path.hasPrefix("../") else { return nil }
    return String(path.split(separator: "/").last?.dropLast(3) ?? "")
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
