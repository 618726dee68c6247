import ArgumentParser
import Foundation
import RunbookKit

struct PDF: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pdf",
    abstract:
      "Build a deployment's site, then print its print.html to <deployment>-runbook.pdf with headless Chromium."
  )

  @OptionGroup var location: LocationOptions

  @Option(help: "Where the sites go, relative to --root.")
  var output = "Output"

  @Option(help: "Paper size: A4 or letter.")
  var paper: Paper = .a4

  @Argument(
    help: "The deployment: its name (fabrikam) or its file (Content/deployments/fabrikam.yml).")
  var deployment: String

  func run() throws {
    let where_ = location.location
    let folder = URL(fileURLWithPath: output, relativeTo: where_.root).standardizedFileURL
    let file = try reportingDiagnostics { () throws(DiagnosticError) in
      try where_.deploymentFile(
        named: deployment, definition: try where_.loadDefinition(),
        relativeTo: location.workingFolder)
    }
    let result = SiteBuilder(
      options: BuildOptions(location: where_, deploymentFiles: [file.path], paper: paper)
    ).build(into: OutputWriter(folder: folder))
    try report(result, verb: "built")
    let pdf = try reportingDiagnostics { () throws(DiagnosticError) in
      try PDFPrinter.printSite(
        file.deletingPathExtension().lastPathComponent, in: folder, display: where_.display)
    }
    print(TerminalText.safe(where_.display(pdf)))
  }
}
