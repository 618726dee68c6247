import Foundation
import Testing

@testable import RunbookKit

/// A page's alternatives (`choices:`), of which each deployment takes one (`choose:`).
@Suite struct ChoicesTests {
  static func build(_ root: URL) -> (BuildReport, MemorySite) {
    let memory = MemorySite()
    let report = SiteBuilder(
      options: BuildOptions(location: RunbookLocation(root: root), buildDate: "2026-01-01")
    ).build(into: memory)
    return (report, memory)
  }

  static func page(_ memory: MemorySite, _ path: String) -> String {
    String(decoding: memory.files[path] ?? Data(), as: UTF8.self)
  }

  // Regression test for #17: every alternative was shown in a row, each with tick boxes.
  @Test func twoDeploymentsThatChooseDifferentlyGetOnlyTheirPath() throws {
    let root = try fixtureSite("choices")
    defer { try? FileManager.default.removeItem(at: root) }
    let (report, memory) = Self.build(root)
    #expect(report.built == ["editor", "ps"])
    #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
    let stage = "iis/switch-iis-to-windows-authentication.html"
    let ps = Self.page(memory, "ps/" + stage)
    let editor = Self.page(memory, "editor/" + stage)
    #expect(
      ps.matches(of: #/id="step-([0-9.]+)"/#).map { String($0.output.1) } == ["1", "1.1", "1.2"])
    #expect(
      editor.matches(of: #/id="step-([0-9.]+)"/#).map { String($0.output.1) } == [
        "1", "2.1", "2.2", "2.3",
      ])
    #expect(!ps.contains("text editor") && !editor.contains("PowerShell"))
    #expect(ps.contains("PowerShell's title bar says Administrator."))
    // The same values: the sites differ only in the path, its notes and its counts.
    let lines = { (text: String) in Set(text.split(separator: "\n").map(String.init)) }
    let onlyPS = lines(ps).subtracting(
      lines(editor.replacingOccurrences(of: "\"editor\"", with: "\"ps\"")))
    #expect(
      onlyPS.allSatisfy {
        $0.contains("step") || $0.contains("PowerShell") || $0.contains("iisreset")
          || $0.contains("Stage 1 of 1 · 3 steps") || $0.contains("Open") || $0.contains("appcmd")
          || $0.hasPrefix("<li") || $0.hasPrefix("<p>If you want")
      }, "\(onlyPS)")
    #expect(
      Self.page(memory, "ps/index.html").contains(
        "<p class=\"choices\">This deployment's path: <span class=\"choice\">How IIS is switched to Windows authentication: <strong>If you want to use PowerShell</strong></span></p>"
      ))
    #expect(Self.page(memory, "ps/index.html").contains("1 stages · 3 steps"))
    #expect(Self.page(memory, "editor/index.html").contains("1 stages · 4 steps"))
  }

  @Test func withoutAChoiceEveryAlternativeIsShownLabelledAndTheBuildWarns() throws {
    let root = try fixtureSite("choices")
    defer { try? FileManager.default.removeItem(at: root) }
    let file = root.appendingPathComponent("Content/deployments/ps.yml")
    try String(contentsOf: file, encoding: .utf8)
      .replacingOccurrences(of: "choose: {iis_auth: powershell}\n", with: "")
      .write(to: file, atomically: true, encoding: .utf8)
    let (report, memory) = Self.build(root)
    #expect(
      report.diagnostics.map(\.description) == [
        "Content/deployments/ps.yml: warning: the deployment makes no choice of 'iis_auth' (How IIS is switched to Windows authentication): its site shows every alternative\n  fix: add 'choose: {iis_auth: powershell}' (or text-editor)"
      ])
    let stage = Self.page(memory, "ps/iis/switch-iis-to-windows-authentication.html")
    #expect(
      stage.matches(of: #/id="step-([0-9.]+)"/#).map { String($0.output.1) } == [
        "1", "1.1", "1.2", "2.1", "2.2", "2.3",
      ])
    #expect(
      stage.contains(
        "<p class=\"option-label\">Option A · How IIS is switched to Windows authentication</p>"))
    #expect(
      stage.contains(
        "<p class=\"option-label\">Option B · How IIS is switched to Windows authentication</p>"))
  }

  @Test func anUnknownChoiceOrOptionIsAnErrorWithDidYouMean() throws {
    let definition = try RunbookDefinition(
      path: "runbook.yml",
      text: try String(
        contentsOf: fixtures.appendingPathComponent("sites/choices/Content/runbook.yml"),
        encoding: .utf8))
    let error = #expect(throws: DiagnosticError.self) {
      try Deployment(
        id: "x", path: "x.yml",
        text: "name: X\nchoose: {iis_uath: powershell}\nvalues:\n  server: IDM01\n",
        definition: definition)
    }
    #expect(
      error?.description
        == "x.yml:2:10: error: unknown choice 'iis_uath'\n  fix: did you mean 'iis_auth'?")
    let option = #expect(throws: DiagnosticError.self) {
      try Deployment(
        id: "x", path: "x.yml",
        text: "name: X\nchoose: {iis_auth: powershel}\nvalues:\n  server: IDM01\n",
        definition: definition)
    }
    #expect(
      option?.description
        == "x.yml:2:20: error: 'powershel' is not an option of 'iis_auth' (How IIS is switched to Windows authentication)\n  fix: did you mean 'powershell'?"
    )
  }

  @Test func tabAndZonePivotChoicesShapeEachDeploymentsSite() throws {
    let root = try fixtureSite("docfx")
    defer { try? FileManager.default.removeItem(at: root) }
    let (report, memory) = Self.build(root)
    #expect(report.built == ["lab", "prod"])
    #expect(
      report.diagnostics.filter { $0.severity == .error }.isEmpty, "\(report.diagnostics)")
    let lab = Self.page(memory, "lab/set-up/install-iis.html")
    let prod = Self.page(memory, "prod/set-up/install-iis.html")
    // The lab chose PowerShell: its steps are the stage's steps, the other tab is gone.
    #expect(lab.matches(of: #/id="step-([0-9.]+)"/#).map { String($0.output.1) } == ["1", "2"])
    #expect(!lab.contains("dism") && !lab.contains("class=\"tabs\""))
    #expect(
      lab.contains(
        "Install-WindowsFeature Web-Server -ComputerName <span class=\"value\" data-key=\"server\" title=\"server\">WEB01</span>"
      ))
    // Production chose nothing: both tabs, as tabs.
    #expect(prod.contains("<label for=\"tabs-1-1\">PowerShell</label>"))
    #expect(prod.contains("<label for=\"tabs-1-2\">Command Prompt</label>"))
    #expect(prod.contains("dism /online"))
    let labZones = Self.page(memory, "lab/set-up/prepare-the-server.html")
    let prodZones = Self.page(memory, "prod/set-up/prepare-the-server.html")
    #expect(labZones.contains("Azure Bastion") && !labZones.contains("Sign in to"))
    #expect(prodZones.contains("<p class=\"option-label\">On premises · Where the server runs</p>"))
    #expect(
      prodZones.contains(
        "<p class=\"option-label\">Azure virtual machine · Where the server runs</p>"))
    #expect(
      Self.page(memory, "lab/index.html").contains(
        "<span class=\"choice\">Command line: <strong>PowerShell</strong></span>"))
  }

  @Test func aTabOrPivotNoPageWritesStopsTheBuildWithTheIdsThePagesWrite() throws {
    let root = try fixtureSite("docfx")
    defer { try? FileManager.default.removeItem(at: root) }
    let file = root.appendingPathComponent("Content/runbook.yml")
    try String(contentsOf: file, encoding: .utf8)
      .replacingOccurrences(of: "cmd: Command Prompt", with: "bash: Bash")
      .replacingOccurrences(of: "azure: Azure", with: "aws: AWS")
      .write(to: file, atomically: true, encoding: .utf8)
    let (report, _) = Self.build(root)
    #expect(report.built.isEmpty)
    #expect(
      report.diagnostics.map(\.description) == [
        "Content/runbook.yml: error: option 'bash' of the choice 'shell' is '#tab/bash', which no page of this runbook writes\n  fix: give the ids the pages write (cmd, powershell)",
        "Content/runbook.yml: error: option 'aws' of the choice 'platform' is '::: zone pivot=\"aws\"', which no page of this runbook writes\n  fix: give the ids the pages write (azure, on-premises)",
      ])
    let twoKinds = #expect(throws: DiagnosticError.self) {
      try RunbookDefinition(
        path: "runbook.yml",
        text:
          "title: T\npages: [a.md]\nchoices:\n  shell:\n    tabs: [a, b]\n    zone_pivots: [c, d]\nvalues: {}\n"
      )
    }
    #expect(
      twoKinds?.description.hasPrefix(
        "runbook.yml:4:3: error: choice 'shell' gives 'tabs:' and 'zone_pivots:'\n  fix: give one of them: 'options:' for alternatives a page starts in its own words, 'tabs:' for DocFX tab ids, 'zone_pivots:' for DocFX pivot ids"
      ) == true, "\(String(describing: twoKinds))")
  }

  static let iisChoice = ChoiceSpec(
    key: "iis_auth", description: "How IIS is switched", page: "snippet.md",
    options: [
      .init(id: "powershell", start: "If you want to use PowerShell"),
      .init(id: "text-editor", start: "If you want to use a text editor"),
    ])

  /// The steps of a snippet rendered for one choice.
  static func steps(_ markdown: String, choosing option: String) throws -> [String] {
    let definition = try projectDefinition()
    let page = try PageSource(
      name: "snippet", path: "snippet.md", directory: fixtures, text: markdown)
    let rendered = PageRenderer(
      page: page, matcher: SampleMatcher(values: definition.values), choices: [iisChoice]
    ).render(
      values: definition.values.map { PageValue(spec: $0, text: "X") }, links: nil,
      selection: ["iis_auth": option])
    var parts: [String] = []
    for stage in rendered.stages {
      parts.append(stage.introHTML)
      for step in stage.steps {
        let lead: String = step.leadHTML ?? ""
        parts.append(lead + step.number.description + ": " + step.html)
      }
      parts.append(stage.outroHTML)
    }
    return parts.filter { !$0.isEmpty }
  }

  // Regression test from review: under a step written as a heading, taking the second option
  // used to drop the whole step.
  @Test func theSecondOptionUnderAHeadingStepStays() throws {
    let markdown = """
      ## Configure

      ### Step 1: Switch IIS to Windows authentication

      If you want to use PowerShell:

      1. Open PowerShell.
      2. Run iisreset.

      If you want to use a text editor:

      1. Open applicationHost.config.

      ### Step 2: Restart
      """
    let editor = try Self.steps(markdown, choosing: "text-editor").joined()
    #expect(editor.contains("2.1: <p>Open applicationHost.config.</p>"))
    #expect(editor.contains("Step 1: Switch IIS to Windows authentication"))
    #expect(editor.contains("2: <h2 id=\"step-2-restart\">Step 2: Restart</h2>"))
    #expect(!editor.contains("Open PowerShell"))
  }

  // Regression test from review: text that leads into both options went with the one left out.
  @Test func textLeadingIntoBothOptionsStaysAndTextAfterThemToo() throws {
    let markdown = """
      ## Stage

      1. Sign in.

      Switch IIS one of two ways.

      If you want to use PowerShell:

      1. Run iisreset.

      If you want to use a text editor:

      1. Edit the file.

      Then restart the server.
      """
    let editor = try Self.steps(markdown, choosing: "text-editor").joined()
    #expect(editor.contains("<p>Switch IIS one of two ways.</p>"))
    #expect(editor.contains("<p>Then restart the server.</p>"))
    #expect(!editor.contains("iisreset"))
    let powershell = try Self.steps(markdown, choosing: "powershell").joined()
    #expect(powershell.contains("<p>Then restart the server.</p>"))
    #expect(!powershell.contains("Edit the file"))
  }

  @Test func aChoiceThatMatchesNothingIsAnError() throws {
    let root = try fixtureSite("choices")
    defer { try? FileManager.default.removeItem(at: root) }
    let file = root.appendingPathComponent("Content/runbook.yml")
    try String(contentsOf: file, encoding: .utf8)
      .replacingOccurrences(
        of: "\"If you want to use a text editor\"", with: "\"If you use Notepad\""
      )
      .write(to: file, atomically: true, encoding: .utf8)
    let (report, _) = Self.build(root)
    #expect(
      report.diagnostics.map(\.description) == [
        "Content/runbook.yml: error: option 'text-editor' of the choice 'iis_auth' starts at 'If you use Notepad', which Content/pages/iis.md never writes\n  fix: give the words the page's heading or lead-in starts with, as the page writes them"
      ])
  }
}
