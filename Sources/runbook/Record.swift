import ArgumentParser
import Foundation
import RunbookKit
import RunbookRecord

/// `runbook record`: the shared run record that `serve` keeps in Records/ under the root.
struct Record: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Read the run record that runbook serve keeps for each deployment.",
    subcommands: [Export.self])

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Write a deployment's record (from Records/ under the root) as the JSON file the site's 'Export the record' makes."
    )

    @OptionGroup var location: LocationOptions

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    @Argument(
      help: "The deployment: a name (fabrikam) or a file (Content/deployments/fabrikam.yml).")
    var deployment: String

    func run() throws {
      let where_ = location.location
      let (runbook, id) = try reportingDiagnostics {
        () throws(DiagnosticError) -> (String, String) in
        try RecordTarget.resolve(deployment, location: location)
      }
      let store = RecordStore(root: where_.root)
      let events: [RecordEvent]
      do {
        events = try store.events(runbook: runbook, deployment: id)
      } catch {
        FileHandle.standardError.write(
          Data("runbook: error: \(error)\n  fix: \(error.fix)\n".utf8))
        throw ExitCode.failure
      }
      let data = RecordFile(
        runbook: runbook, deployment: id, exported: RecordTime.string(Date()), events: events
      ).encoded()
      guard let output else {
        FileHandle.standardOutput.write(data)
        return
      }
      let url = URL(fileURLWithPath: output, relativeTo: location.workingFolder)
      do {
        try data.write(to: url, options: .atomic)
      } catch {
        FileHandle.standardError.write(
          Data(
            "runbook: error: cannot write \(TerminalText.safe(output)): \(ErrorReason.of(error))\n"
              .utf8))
        throw ExitCode.failure
      }
      FileHandle.standardError.write(
        Data(
          "\(events.count) event\(events.count == 1 ? "" : "s") of \(id) written to \(TerminalText.safe(output))\n"
            .utf8))
    }
  }
}

/// Which record a command means: the runbook's id and the deployment's.
enum RecordTarget {
  static func resolve(_ deployment: String, location: LocationOptions)
    throws(DiagnosticError) -> (runbook: String, deployment: String)
  {
    let where_ = location.location
    let definition = try where_.loadDefinition()
    let file = try where_.deploymentFile(
      named: deployment, definition: definition, relativeTo: location.workingFolder)
    return (definition.id, file.deletingPathExtension().lastPathComponent)
  }
}
