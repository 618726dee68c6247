import ArgumentParser
import Foundation
import RunbookKit

struct PDF: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pdf",
    abstract:
      "Build deployments' sites, then print each print.html to <deployment>-runbook.pdf through one headless Chromium."
  )

  @OptionGroup var location: LocationOptions

  @Option(help: "Where the sites go, relative to --root.")
  var output = "Output"

  @Option(help: "Paper size: A4 or letter.")
  var paper: Paper = .a4

  @Flag(help: "Every deployment in Content/deployments/.")
  var all = false

  @Argument(
    help:
      "The deployments: names (fabrikam) or files (Content/deployments/fabrikam.yml).")
  var deployments: [String] = []

  func validate() throws {
    if deployments.isEmpty && !all {
      throw ValidationError("name a deployment (such as fabrikam), or give --all")
    }
  }

  func run() throws {
    let where_ = location.location
    let folder = URL(fileURLWithPath: output, relativeTo: where_.root).standardizedFileURL
    let files = try reportingDiagnostics { () throws(DiagnosticError) -> [URL] in
      let definition = try where_.loadDefinition()
      if all { return where_.deploymentFiles(of: definition) }
      var files: [URL] = []
      for deployment in deployments {
        files.append(
          try where_.deploymentFile(
            named: deployment, definition: definition, relativeTo: location.workingFolder))
      }
      return files
    }
    let result = SiteBuilder(
      options: BuildOptions(location: where_, deploymentFiles: files.map(\.path), paper: paper)
    ).build(into: OutputWriter(folder: folder))
    try report(result, verb: "built")
    let pdfs = try reportingDiagnostics { () throws(DiagnosticError) in
      try PDFPrinter.printSites(result.built, in: folder, display: where_.display)
    }
    for pdf in pdfs { print(TerminalText.safe(where_.display(pdf))) }
  }
}
