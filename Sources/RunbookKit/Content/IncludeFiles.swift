import Foundation

/// The files a page pulls in with DocFX's `[!INCLUDE[title](path)]` and its code includes,
/// read with the page, and the includes inside them: by path relative to the page's folder, normalized
/// (`../includes/applies-to.md`).
public struct IncludeFiles: Sendable, Hashable {
  public struct File: Sendable, Hashable {
    /// The path diagnostics show, relative to the runbook root.
    public var path: String
    /// The file's markdown without its front matter.
    public var body: String
    /// Lines of front matter before the body.
    public var bodyLineOffset: Int

    /// The body byte for byte (`ExactText`): a page's memo entries are keyed by its includes.
    public static func == (left: Self, right: Self) -> Bool {
      left.path == right.path && left.bodyLineOffset == right.bodyLineOffset
        && ExactText.equal(left.body, right.body)
    }

    public func hash(into hasher: inout Hasher) {
      hasher.combine(path)
      ExactText.hash(body, into: &hasher)
    }
  }

  /// nil for a path that names no readable file.
  public var files: [String: File?] = [:]
  /// The files of code includes (`:::code source="…":::`, `[!code-…[…](…)]`), as they are;
  /// nil for a path that names no readable file.
  public var code: [String: File?] = [:]
  /// Paths not read because a symbolic link on the way leads out of the source folder: the link.
  public var refused: [String: String] = [:]

  public init() {}

  /// Reads every include of `text` (written on a page in `directory`), and theirs.
  ///
  /// - Parameter display: how diagnostics show a file.
  /// - Parameter root: the source folder, which no symbolic link may lead out of.
  public init(of text: String, in directory: URL, root: URL? = nil, display: (URL) -> String) {
    var queue = Self.paths(in: text).map { Self.normalize($0) }
    readCode(Self.codePaths(in: text), in: directory, root: root, display: display)
    while let path = queue.popLast() {
      guard files[path] == nil else { continue }
      if let root, let link = ContainedPath.escapingLink(path, from: directory, root: root) {
        refused[path] = link
        files[path] = .some(nil)
        continue
      }
      let url = directory.appendingPathComponent(path).standardizedFileURL
      guard let text = try? String(contentsOf: url, encoding: .utf8),
        let split = try? FrontMatter.split(text, path: display(url))
      else {
        files[path] = .some(nil)
        continue
      }
      files[path] = File(path: display(url), body: split.body, bodyLineOffset: split.offset)
      let folder = (path as NSString).deletingLastPathComponent
      queue += Self.paths(in: split.body).map {
        Self.normalize(folder.isEmpty ? $0 : folder + "/" + $0)
      }
      readCode(
        Self.codePaths(in: split.body).map { folder.isEmpty ? $0 : folder + "/" + $0 },
        in: directory, root: root, display: display)
    }
  }

  private mutating func readCode(
    _ paths: [String], in directory: URL, root: URL?, display: (URL) -> String
  ) {
    for path in paths.map({ Self.normalize($0) }) where code[path] == nil {
      if let root, let link = ContainedPath.escapingLink(path, from: directory, root: root) {
        refused[path] = link
        code[path] = .some(nil)
        continue
      }
      let url = directory.appendingPathComponent(path).standardizedFileURL
      code[path] = (try? String(contentsOf: url, encoding: .utf8)).map {
        File(path: display(url), body: $0, bodyLineOffset: 0)
      }
    }
  }

  /// The files that `text`'s code includes name, as written, without a query or fragment.
  static func codePaths(in text: String) -> [String] {
    guard ByteSearch.contains(":::", in: text) || ByteSearch.contains("[!code", in: text) else {
      return []
    }
    let directives = text.matches(of: #/:::\s*code\s[^\n]*?source\s*=\s*"([^"]+)"/#).map {
      String($0.output.1)
    }
    let links = text.matches(of: #/\[!code(?:-[^\[\s]*)?\s*\[[^\]]*\]\(\s*<?([^)\s>]+)>?\s*\)\]/#)
      .map { String($0.output.1) }
    return (directives + links).map { Self.withoutQuery($0) }
  }

  /// `a.cs?range=1-3#L5` as `a.cs`.
  static func withoutQuery(_ path: String) -> String {
    String(path.prefix { $0 != "?" && $0 != "#" })
  }

  /// The include paths that `text` names, as written.
  static func paths(in text: String) -> [String] {
    guard ByteSearch.contains("[!INCLUDE", in: text) || ByteSearch.contains("[!include", in: text)
    else { return [] }
    return text.matches(of: #/\[!(?i:include)\s*\[[^\]]*\]\(\s*<?([^)\s>]+)>?\s*\)\]/#).map {
      String($0.output.1)
    }
  }

  /// `a/../b/./c.md` as `b/c.md`; leading `..` stay.
  public static func normalize(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      if part == "..", let last = parts.last, last != ".." {
        parts.removeLast()
      } else {
        parts.append(part)
      }
    }
    return parts.joined(separator: "/")
  }
}
