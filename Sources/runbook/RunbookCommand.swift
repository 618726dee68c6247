import ArgumentParser
import Foundation
import RunbookKit

@main
struct RunbookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runbook",
    abstract:
      "Turn Microsoft Docs procedure pages into a step-by-step runbook site for one real deployment.",
    subcommands: [Build.self, Check.self, Serve.self, PDF.self, Init.self],
    defaultSubcommand: Build.self)
}

/// Where the runbook is: shared by every subcommand.
struct LocationOptions: ParsableArguments {
  @Option(help: "The runbook folder, holding Content/ and Templates/.")
  var root = "."

  @Option(help: "The runbook definition, relative to --root.")
  var runbook = "Content/runbook.yml"

  @Option(help: "Read the pages from this folder (such as a checkout of the upstream docs).")
  var source: String?

  var location: RunbookLocation {
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let rootURL =
      root.hasPrefix("/") ? URL(fileURLWithPath: root) : cwd.appendingPathComponent(root)
    // Paths given on the command line are relative to where the user stands, not to --root.
    func absolute(_ path: String) -> String {
      path.hasPrefix("/") ? path : cwd.appendingPathComponent(path).standardizedFileURL.path
    }
    let definition = runbook == "Content/runbook.yml" ? runbook : absolute(runbook)
    return RunbookLocation(root: rootURL, definition: definition, source: source.map(absolute))
  }

  func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
  }
}

/// Prints diagnostics the way compilers do, then the summary; fails with exit code 1.
func report(_ report: BuildReport, verb: String) throws {
  for diagnostic in report.diagnostics {
    FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
  }
  let summary =
    verb == "check"
    ? report.summary.replacingOccurrences(of: "built", with: "checked") : report.summary
  FileHandle.standardError.write(Data((summary + "\n").utf8))
  if !report.succeeded { throw ExitCode.failure }
}

/// `--paper A4` or `--paper letter`, any case; argument-parser lists the choices in errors.
extension Paper: ExpressibleByArgument {
  public init?(argument: String) {
    guard
      let paper = Paper.allCases.first(where: { $0.rawValue.lowercased() == argument.lowercased() })
    else {
      return nil
    }
    self = paper
  }
}

extension LocationOptions {
  /// The runbook definition, or its diagnostics printed and exit code 1.
  func loadDefinition() throws -> RunbookDefinition {
    do {
      return try location.loadDefinition()
    } catch {
      for diagnostic in error.diagnostics {
        FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
      }
      throw ExitCode.failure
    }
  }
}
