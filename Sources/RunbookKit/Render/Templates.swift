import Foundation
import Mustache

/// The site's mustache templates and assets, read from `Templates/` once per build.
///
/// Users may edit them; the HTML contract (README) is what they must keep.
public struct Templates: Sendable {
  /// Templates every runbook needs, by name (file name without `.mustache`).
  public static let required = ["index", "overview", "stage", "print"]

  let library: MustacheLibrary
  /// Files under `Templates/assets/`, copied into every site: relative path → bytes.
  public let assets: [(path: String, data: Data)]

  public init(folder: URL, display: (URL) -> String) throws(DiagnosticError) {
    var library = MustacheLibrary()
    var diagnostics: [Diagnostic] = []
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    for name in names where name.hasSuffix(".mustache") {
      let url = folder.appendingPathComponent(name)
      let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
      do {
        library.register(
          try MustacheTemplate(string: text), named: String(name.dropLast(".mustache".count)))
      } catch let error as MustacheTemplate.ParserError {
        diagnostics.append(
          .error(
            at: SourceLocation(
              path: display(url), line: error.context.lineNumber, column: error.context.columnNumber
            ),
            "template error: \(error.error)",
            fix:
              "check the {{...}} tags on that line: every section opened with {{#name}} closes with {{/name}}"
          ))
      } catch {
        diagnostics.append(
          .error(at: SourceLocation(path: display(url)), "template error: \(error)"))
      }
    }
    for name in Self.required
    where library.getTemplate(named: name) == nil
      && !diagnostics.contains(where: { $0.location.path.hasSuffix("/\(name).mustache") })
    {
      diagnostics.append(
        .error(
          at: SourceLocation(path: display(folder.appendingPathComponent("\(name).mustache"))),
          "the template '\(name)' is missing",
          fix: "restore it from the project's Templates/ folder"))
    }
    if diagnostics.hasErrors { throw DiagnosticError(diagnostics) }
    self.library = library

    var assets: [(String, Data)] = []
    let assetFolder = folder.appendingPathComponent("assets")
    let files =
      (FileManager.default.enumerator(atPath: assetFolder.path)?.allObjects as? [String]) ?? []
    for file in files.sorted() {
      var isDirectory: ObjCBool = false
      let url = assetFolder.appendingPathComponent(file)
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
        !isDirectory.boolValue,
        let data = FileManager.default.contents(atPath: url.path)
      else { continue }
      assets.append(("assets/" + file, data))
    }
    self.assets = assets
  }

  /// Renders a template that a runbook may leave out (`404`); nil when it has none.
  func renderIfPresent(_ name: String, _ context: Any) -> String? {
    guard library.getTemplate(named: name) != nil else { return nil }
    return render(name, context)
  }

  /// Renders a template with one of the typed contexts (`StagePage`, `OverviewPage`, ...).
  func render(_ name: String, _ context: Any) -> String {
    guard let html = library.render(TemplateData.plain(context), withTemplate: name) else {
      preconditionFailure("template '\(name)' was checked when the templates were loaded")
    }
    return html
  }
}
