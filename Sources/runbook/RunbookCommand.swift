import ArgumentParser
import Foundation
import RunbookKit

@main
struct RunbookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runbook",
    abstract:
      "Turn Microsoft Docs procedure pages into a step-by-step runbook site for one real deployment.",
    subcommands: [Build.self, Check.self, Serve.self, PDF.self, Record.self, Init.self],
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

  /// The folder the command was started in: paths given on the command line, other than
  /// --runbook, are relative to it.
  var workingFolder: URL { URL(fileURLWithPath: FileManager.default.currentDirectoryPath) }

  var location: RunbookLocation {
    // --runbook is relative to --root, as its help says; RunbookLocation resolves it there.
    RunbookLocation(
      root: URL(fileURLWithPath: root, relativeTo: workingFolder), definition: runbook,
      source: source.map(absolute))
  }

  /// A path from the command line as an absolute path.
  func absolute(_ path: String) -> String {
    URL(fileURLWithPath: path, relativeTo: workingFolder).standardizedFileURL.path
  }
}

/// Runs `body`, then prints its diagnostics the way compilers do; leaves with exit code 1 when
/// any is an error (argument-parser's documented way out after printing one's own message).
func reportingDiagnostics<T>(_ body: () throws(DiagnosticError) -> T) throws -> T {
  do {
    return try body()
  } catch {
    print(error.diagnostics)
    throw ExitCode.failure
  }
}

/// Prints diagnostics to stderr, one after the other.
func print(_ diagnostics: [Diagnostic]) {
  for diagnostic in diagnostics {
    FileHandle.standardError.write(Data((TerminalText.safe(diagnostic.description) + "\n").utf8))
  }
}

/// Prints a build's diagnostics and its closing line; fails with exit code 1.
func report(_ report: BuildReport, verb: String) throws {
  print(report.diagnostics)
  FileHandle.standardError.write(Data((report.summary(verb: verb) + "\n").utf8))
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
