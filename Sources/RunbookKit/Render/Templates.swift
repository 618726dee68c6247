import Foundation
import Mustache

/// The site's mustache templates and assets, read from `Templates/` once per build.
///
/// Users may edit them; the HTML contract (README) is what they must keep.
public struct Templates: Sendable {
  /// Templates every runbook needs, by name (file name without `.mustache`).
  public static let required = ["index", "overview", "stage", "print"]

  let library: MustacheLibrary
  /// A hash of every template's name and text: equal for two loads of the same templates.
  let fingerprint: UInt64
  /// Files under `Templates/assets/`, copied into every site: relative path → bytes.
  public let assets: [(path: String, data: Data)]

  /// - Parameter memo: what the last builds kept (`serve`): a template whose text did not change
  ///   is not parsed again.
  public init(folder: URL, display: (URL) -> String, memo: RenderMemo? = nil)
    throws(DiagnosticError)
  {
    var library = MustacheLibrary()
    var diagnostics: [Diagnostic] = []
    var fingerprint = ContentHash.fnv([UInt8]())
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    for name in names where name.hasSuffix(".mustache") {
      let url = folder.appendingPathComponent(name)
      let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
      fingerprint = ContentHash.fnv(Array("\(name)\u{0}\(text)\u{0}".utf8), seed: fingerprint)
      do {
        let parsed = memo.value(\.mustache, text) {
          Result { try MustacheTemplate(string: text) }
        }
        library.register(try parsed.get(), named: String(name.dropLast(".mustache".count)))
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
    self.fingerprint = fingerprint

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

  /// Whether there is a template of that name (`search` and `404` may be left out).
  func has(_ name: String) -> Bool { library.getTemplate(named: name) != nil }

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
