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
}
