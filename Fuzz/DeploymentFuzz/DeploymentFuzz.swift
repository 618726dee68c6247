// libFuzzer target over the deployment parser: the input is a deployment file, read with Yams
// and checked against the project's runbook definition (values, kinds, choices). scripts/fuzz
// builds it with -sanitize=fuzzer,address. A thrown DiagnosticError is a fine outcome; a crash,
// trap, sanitizer report or hang is a finding.
import Foundation
import FuzzSupport
import RunbookKit

/// The project's definition, read once, with choices so that `choose:` is checked too.
private let definition: RunbookDefinition = {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  do {
    let text = try String(
      contentsOf: root.appendingPathComponent("Content/runbook.yml"), encoding: .utf8)
    return try RunbookDefinition(path: "Content/runbook.yml", text: text + choices)
  } catch {
    fatalError("DeploymentFuzz: the project's runbook does not load: \(error)")
  }
}()

private let choices = """

  choices:
    iis_auth:
      description: How IIS is switched to Windows authentication
      page: install-mim-service-portal.md
      options:
        powershell: If you want to use PowerShell
        text-editor: If you want to use a text editor
    shell:
      description: Command line
      tabs: {powershell: PowerShell, cmd: Command Prompt}

  """

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  // Mis-encoded files are read too: invalid UTF-8 becomes U+FFFD, as String(decoding:) does.
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  do {
    let deployment = try Deployment(
      id: "fuzz", path: "Content/deployments/fuzz.yml", text: text, definition: definition)
    for key in deployment.values.keys { _ = deployment.location(of: key).description }
  } catch {
    _ = error.diagnostics.sortedByLocation().map(\.description)
  }
  return 0
}

/// `fuzz` as a C function pointer, taken here: taken in main.swift, the compiler emits the
/// `@_cdecl` symbol a second time there.
func fuzzTarget() -> FuzzTarget { fuzz }
