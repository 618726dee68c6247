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
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard let first = lines.first, first.trimmingCharacters(in: .whitespaces) == "---" else {
      return ([:], text, 0)
    }
    lines.removeFirst()
    guard let end = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" })
    else {
      throw DiagnosticError([
        .error(
          at: SourceLocation(path: path, line: 1, column: 1),
          "the front matter that starts here never ends",
          fix: "close it with a line holding only '---'")
      ])
    }
    // The front matter is YAML: Yams reads it, and its lines are shifted past the opening fence.
    let yaml: YAMLFile
    do {
      yaml = try YAMLFile(path: path, text: lines[..<end].joined(separator: "\n"))
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
    let body = lines[(end + 1)...].joined(separator: "\n")
    return (fields, body, end + 2)
  }
}
