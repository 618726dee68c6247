import ArgumentParser
import Foundation
import RunbookKit
import RunbookRecord

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

  @Flag(
    help:
      "Print the run record runbook serve keeps (Records/ under --root): who ticked each step and when, the notes, what is not done."
  )
  var record = false

  @Option(
    name: .customLong("record-file"),
    help: "Print this exported record (the site's 'Export the record', or runbook record export).",
    completion: .file(extensions: ["json"]))
  var recordFile: String?

  @Argument(
    help:
      "The deployments: names (fabrikam) or files (Content/deployments/fabrikam.yml).")
  var deployments: [String] = []

  func validate() throws {
    if deployments.isEmpty && !all {
      throw ValidationError("name a deployment (such as fabrikam), or give --all")
    }
    if record && recordFile != nil {
      throw ValidationError("give --record (serve's record) or --record-file FILE, not both")
    }
    if recordFile != nil && (all || deployments.count != 1) {
      throw ValidationError("--record-file is one deployment's record: name that one deployment")
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
    let records = try reportingDiagnostics {
      () throws(DiagnosticError) -> [String: [RecordEvent]] in
      try runRecords(of: result.built, location: where_)
    }
    let pdfs = try reportingDiagnostics { () throws(DiagnosticError) in
      try PDFPrinter.printSites(
        result.built, in: folder, records: records, display: where_.display)
    }
    for pdf in pdfs { print(TerminalText.safe(where_.display(pdf))) }
  }

  /// The records to print, by deployment: from Records/ (--record) or a file (--record-file).
  func runRecords(of ids: [String], location where_: RunbookLocation)
    throws(DiagnosticError) -> [String: [RecordEvent]]
  {
    guard record || recordFile != nil else { return [:] }
    let runbook = try where_.loadDefinition().id
    if let recordFile, let id = ids.first {
      let url = URL(fileURLWithPath: recordFile, relativeTo: location.workingFolder)
      return [
        id: try RecordFile.read(
          url, display: where_.display(url), runbook: runbook, deployment: id
        ).events
      ]
    }
    let store = RecordStore(root: where_.root)
    defer { store.close() }
    var records: [String: [RecordEvent]] = [:]
    for id in ids {
      let file = store.file(runbook: runbook, deployment: id)
      // Asked for the record, given none: say so rather than print an empty change record.
      if !FileManager.default.fileExists(atPath: file.path) {
        print([
          .warning(
            at: SourceLocation(path: where_.display(file)),
            "runbook serve has kept no run record of \(id) here: its PDF shows no ticks",
            fix:
              "tick in the pages runbook serve serves from this root (--root), or give --record-file FILE"
          )
        ])
      }
      do {
        records[id] = try store.events(runbook: runbook, deployment: id)
      } catch {
        throw DiagnosticError([
          .error(
            at: SourceLocation(path: where_.display(store.file(runbook: runbook, deployment: id))),
            "cannot read the run record: \(error)",
            fix: "\(error.fix), or print without --record"
          )
        ])
      }
    }
    return records
  }
}
