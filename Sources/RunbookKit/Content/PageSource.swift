import Foundation

/// A procedure page as read from disk: its front matter split off, its body still markdown.
public struct PageSource: Sendable, Hashable {
  /// The file name without `.md`: the page's folder in the site.
  public var name: String
  /// The path shown in diagnostics, relative to the runbook root (or absolute outside it).
  public var path: String
  /// The folder the page's relative image paths start from.
  public var directory: URL
  /// The page's folder within the docs (`pam/`, or empty at their top), where its relative links
  /// start, in the runbook and upstream.
  public var folder: String
  public var frontMatter: [String: String]
  public var body: String
  /// Lines before the body (the front matter and its fences): added to cmark's line numbers.
  public var bodyLineOffset: Int
  /// The files the page pulls in with `[!INCLUDE[...](path)]`, read with it.
  public var includes = IncludeFiles()

  /// The body byte for byte (`ExactText`): `serve` keeps a page's rendering by its source.
  public static func == (left: Self, right: Self) -> Bool {
    left.name == right.name && left.path == right.path && left.directory == right.directory
      && left.folder == right.folder && left.frontMatter == right.frontMatter
      && left.bodyLineOffset == right.bodyLineOffset && left.includes == right.includes
      && ExactText.equal(left.body, right.body)
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(name)
    hasher.combine(path)
    ExactText.hash(body, into: &hasher)
  }

  public init(name: String, path: String, directory: URL, folder: String = "", text: String)
    throws(DiagnosticError)
  {
    self.name = name
    self.path = path
    self.directory = directory
    self.folder = folder.isEmpty || folder.hasSuffix("/") ? folder : folder + "/"
    (frontMatter, body, bodyLineOffset) = try FrontMatter.split(text, path: path)
  }
}

/// YAML front matter between `---` lines at the top of a page.
enum FrontMatter {
  static func split(_ text: String, path: String) throws(DiagnosticError)
    -> (fields: [String: String], body: String, offset: Int)
  {
    // Lines as a split of the text's characters makes them (a "\r\n" is one character, so no
    // line ends there), found by their bytes: splitting a whole page into lines and joining its
    // body again was most of reading it.
    let utf8 = text.utf8
    func lineEnd(from start: String.Index) -> String.Index {
      var index = start
      var previous: UInt8 = 0
      while index < utf8.endIndex {
        let byte = utf8[index]
        if byte == UInt8(ascii: "\n") && previous != UInt8(ascii: "\r") { return index }
        previous = byte
        index = utf8.index(after: index)
      }
      return index
    }
    func isFence(_ start: String.Index, _ end: String.Index) -> Bool {
      text[start..<end].trimmingCharacters(in: .whitespaces) == "---"
    }
    let firstEnd = lineEnd(from: text.startIndex)
    guard isFence(text.startIndex, firstEnd) else { return ([:], text, 0) }
    let neverEnds = DiagnosticError([
      .error(
        at: SourceLocation(path: path, line: 1, column: 1),
        "the front matter that starts here never ends",
        fix: "close it with a line holding only '---'")
    ])
    guard firstEnd < text.endIndex else { throw neverEnds }
    let yamlStart = utf8.index(after: firstEnd)
    var lineStart = yamlStart
    var end = 0
    var closing: (start: String.Index, end: String.Index)?
    while true {
      let next = lineEnd(from: lineStart)
      if isFence(lineStart, next) {
        closing = (lineStart, next)
        break
      }
      guard next < text.endIndex else { break }
      lineStart = utf8.index(after: next)
      end += 1
    }
    guard let closing else { throw neverEnds }
    let yamlText =
      closing.start == yamlStart ? "" : String(text[yamlStart..<utf8.index(before: closing.start)])
    // The front matter is YAML: Yams reads it, and its lines are shifted past the opening fence.
    let yaml: YAMLFile
    do {
      yaml = try YAMLFile(path: path, text: yamlText)
    } catch {
      throw DiagnosticError(
        error.diagnostics.map { diagnostic in
          var shifted = diagnostic
          if shifted.location.line > 0 { shifted.location.line += 1 }
          return shifted
        })
    }
    var fields: [String: String] = [:]
    for entry in yaml.root?.entries ?? [] {
      if let value = entry.value.string { fields[entry.key] = value }
    }
    let body =
      closing.end < text.endIndex ? String(text[utf8.index(after: closing.end)...]) : ""
    return (fields, body, end + 2)
  }
}
