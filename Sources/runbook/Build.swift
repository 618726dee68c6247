import ArgumentParser
import Foundation
import RunbookKit

struct Build: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Render the runbook for each deployment into Output/<deployment>/.")

  @OptionGroup var location: LocationOptions

  @Option(help: "Where the sites go, relative to --root.")
  var output = "Output"

  @Flag(help: "Treat warnings (steps without a note, missing images) as errors.")
  var strict = false

  @Argument(help: "Deployment files (default: every file in Content/deployments/).")
  var deployments: [String] = []

  func run() throws {
    let where_ = location.location
    let outputURL = output.hasPrefix("/") ? URL(fileURLWithPath: output) : where_.root.appendingPathComponent(output)
    let builder = SiteBuilder(
      options: BuildOptions(
        location: where_, deploymentFiles: deployments.map(location.absolute), output: outputURL, strict: strict))
    let result = builder.build()
    try report(result, verb: "build")
    if !result.built.isEmpty {
      print(where_.display(outputURL.appendingPathComponent("index.html")))
    }
  }
}

struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run every check of build, writing nothing.")

  @OptionGroup var location: LocationOptions

  @Flag(help: "Treat warnings as errors.")
  var strict = false

  @Argument(help: "Deployment files (default: every file in Content/deployments/).")
  var deployments: [String] = []

  func run() throws {
    let builder = SiteBuilder(
      options: BuildOptions(
        location: location.location, deploymentFiles: deployments.map(location.absolute), output: nil, strict: strict))
    try report(builder.build(), verb: "check")
  }
}
