import ArgumentParser
import Foundation
import RunbookKit

struct Init: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write Content/deployments/NAME.yml with every value the runbook needs.")

  @OptionGroup var location: LocationOptions

  @Argument(help: "The deployment's name: letters, digits, '-' and '_'.")
  var name: String

  func validate() throws {
    guard !name.isEmpty,
      name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
    else {
      throw ValidationError(
        "'\(name)' is not a deployment name: use letters, digits, '-' and '_' (it becomes a folder name)"
      )
    }
  }

  func run() throws {
    let where_ = location.location
    let definition = try location.loadDefinition()
    let folder = where_.url(definition.deployments)
    let file = folder.appendingPathComponent("\(name).yml")
    guard !FileManager.default.fileExists(atPath: file.path) else {
      FileHandle.standardError.write(
        Data(
          "\(where_.display(file)): error: the file exists already\n  fix: pick another name, or edit that file\n"
            .utf8))
      throw ExitCode.failure
    }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data(DeploymentTemplate(definition: definition, name: name).text.utf8).write(to: file)
    print(
      "wrote \(where_.display(file)): fill in every value, then run 'runbook build \(where_.display(file))'"
    )
  }
}
