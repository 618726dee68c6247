// libFuzzer target over the whole page pipeline: front matter, cmark, includes (from an
// in-memory set), DocFX passes, alternatives, tabs and zones, substitution with the project's
// values, stages and steps, links, rendering. scripts/fuzz builds it with
// -sanitize=fuzzer,address. A thrown DiagnosticError is a fine outcome; a crash, trap, sanitizer
// report or hang is a finding.
import Foundation
import FuzzSupport
import RunbookKit

/// The project's definition and Fabrikam's values, the fixed include files and the choices a
/// page may offer, read once.
private let setup = MarkdownSetup()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  // Mis-encoded files are read too: invalid UTF-8 becomes U+FFFD, as String(decoding:) does.
  let input = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  setup.run(input, variant: size % 3)
  return 0
}

struct MarkdownSetup {
  let definition: RunbookDefinition
  let values: [PageValue]
  let matcher: SampleMatcher
  let includes: IncludeFiles
  /// Tests/Fixtures/fuzz/markdown/: the page's folder.
  let pages: URL

  init() {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let fuzz = root.appendingPathComponent("Tests/Fixtures/fuzz")
    pages = fuzz.appendingPathComponent("markdown")
    do {
      let text = try String(
        contentsOf: root.appendingPathComponent("Content/runbook.yml"), encoding: .utf8)
      // The project's runbook offers no choices: these let tabs, zones and alternatives be
      // chosen as a deployment would choose them.
      definition = try RunbookDefinition(
        path: "Content/runbook.yml", text: text + Self.choices)
      let deployment = try Deployment(
        id: "fabrikam", path: "Content/deployments/fabrikam.yml",
        text: String(
          contentsOf: root.appendingPathComponent("Content/deployments/fabrikam.yml"),
          encoding: .utf8),
        definition: definition)
      values = definition.values.map { PageValue(spec: $0, text: deployment.values[$0.key] ?? "") }
    } catch {
      fatalError("MarkdownFuzz: the project's runbook does not load: \(error)")
    }
    matcher = SampleMatcher(values: definition.values, keep: definition.keep)
    // The page stands in Tests/Fixtures/fuzz/markdown/, beside the seeds, and every file of
    // Tests/Fixtures/fuzz/includes/ is read once through the public reader: a page names them
    // as `../includes/NAME`, and any other path names no file, with no disk access per input.
    let includeFolder = fuzz.appendingPathComponent("includes")
    let names =
      (try? FileManager.default.contentsOfDirectory(atPath: includeFolder.path))?.sorted() ?? []
    let index = names.map { name in
      name.hasSuffix(".md")
        ? "[!INCLUDE[\(name)](../includes/\(name))]\n"
        : ":::code language=\"text\" source=\"../includes/\(name)\":::\n"
    }.joined()
    let prefix = fuzz.path.count + 1
    includes = IncludeFiles(
      of: index, in: pages, display: { String($0.path.dropFirst(prefix)) })
    if includes.files.isEmpty || includes.files.values.contains(where: { $0 == nil }) {
      fatalError("MarkdownFuzz: the include files in \(includeFolder.path) do not load")
    }
  }

  static let choices = """

    choices:
      iis_auth:
        description: How IIS is switched to Windows authentication
        page: fuzz.md
        options:
          powershell: If you want to use PowerShell
          text-editor: If you want to use a text editor
      shell:
        description: Command line
        tabs: {powershell: PowerShell, cmd: Command Prompt}
      platform:
        description: Where the server runs
        zone_pivots: {on-premises: On premises, azure: Azure virtual machine}

    """

  /// Selections: none (every alternative, labelled), and each of two full choices.
  static let selections: [[String: String]] = [
    [:],
    ["iis_auth": "powershell", "shell": "powershell", "platform": "on-premises"],
    ["iis_auth": "text-editor", "shell": "cmd", "platform": "azure"],
  ]

  func run(_ input: String, variant: Int) {
    // A page with front matter: the input's own when it starts with a fence, else a fixed one.
    let text = input.hasPrefix("---") ? input : "---\ntitle: Fuzz\nms.topic: article\n---\n" + input
    var page: PageSource
    do {
      page = try PageSource(name: "fuzz", path: "fuzz.md", directory: pages, text: text)
    } catch {
      _ = error.description
      return
    }
    page.includes = includes
    let renderer = PageRenderer(
      page: page, matcher: matcher, fixDashes: variant == 1, reference: definition.reference,
      choices: definition.choices)
    let outline = renderer.outline()
    let links = LinkResolver(outlines: [outline], upstream: definition.upstream)
    let rendered = renderer.render(
      values: values, links: links, selection: Self.selections[variant])
    // Touch what a site would show, so nothing is optimised away.
    var length = rendered.titleHTML.utf8.count + rendered.preambleHTML.utf8.count
    for stage in rendered.stages {
      length += stage.introHTML.utf8.count + stage.outroHTML.utf8.count
      for step in stage.steps { length += step.html.utf8.count + (step.leadHTML?.utf8.count ?? 0) }
    }
    for diagnostic in rendered.diagnostics + outline.warnings {
      length += diagnostic.description.utf8.count
    }
    if length < 0 { fatalError("unreachable") }
  }
}

/// `fuzz` as a C function pointer, taken here: taken in main.swift, the compiler emits the
/// `@_cdecl` symbol a second time there.
func fuzzTarget() -> FuzzTarget { fuzz }
