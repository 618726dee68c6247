import ArgumentParser
import Foundation
import RunbookKit

struct Init: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write Content/deployments/NAME.yml with every value the runbook needs.")

  @OptionGroup var location: LocationOptions

  @Argument(
    help:
      "The deployment's name: letters, digits, '-', '_' and '.', starting with a letter or digit.")
  var name: String

  func run() throws {
    let where_ = location.location
    let file = try reportingDiagnostics { () throws(DiagnosticError) in
      let definition = try where_.loadDefinition()
      return try DeploymentTemplate(definition: definition, name: name).write(
        into: where_.deploymentsFolder(of: definition), display: where_.display)
    }
    print(
      TerminalText.safe(
        "wrote \(where_.display(file)): fill in every value, then run 'runbook build \(where_.display(file))'"
      ))
  }
}
