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
    let definition = try location.loadDefinition()
    let deploymentsFolder = where_.url(definition.deployments)
    let file =
      deployment.hasSuffix(".yml") || deployment.hasSuffix(".yaml")
      ? URL(fileURLWithPath: location.absolute(deployment))
      : deploymentsFolder.appendingPathComponent("\(deployment).yml")
    guard FileManager.default.fileExists(atPath: file.path) else {
      let known =
        ((try? FileManager.default.contentsOfDirectory(atPath: deploymentsFolder.path)) ?? [])
        .filter { $0.hasSuffix(".yml") }.map { String($0.dropLast(4)) }.sorted()
      fail(
        "\(where_.display(file)): error: no such deployment file",
        fix: known.isEmpty
          ? "write one with 'runbook init NAME'"
          : "the deployments are \(known.joined(separator: ", "))")
    }
    let outputURL =
      output.hasPrefix("/")
      ? URL(fileURLWithPath: output) : where_.root.appendingPathComponent(output)
    let result = SiteBuilder(
      options: BuildOptions(
        location: where_, deploymentFiles: [file.path], output: outputURL, paper: paper)
    ).build()
    try report(result, verb: "build")

    let id = file.deletingPathExtension().lastPathComponent
    let page = outputURL.appendingPathComponent(id).appendingPathComponent("print.html")
    guard let browser = PDFPrinter.findBrowser() else {
      fail(
        "runbook: error: Chromium is not installed, so no PDF was made",
        fix:
          "install it ('sudo apt-get install chromium'), or open \(where_.display(page)) in any browser and print it to PDF"
      )
    }
    let pdf = page.deletingLastPathComponent().appendingPathComponent("\(id)-runbook.pdf")
    do {
      try PDFPrinter(browser: browser).print(page, to: pdf)
    } catch {
      fail(
        "runbook: error: printing \(where_.display(page)) failed: \(error)",
        fix: "open \(where_.display(page)) in a browser and print it to PDF from there")
    }
    print(where_.display(pdf))
  }

  private func fail(_ message: String, fix: String?) -> Never {
    FileHandle.standardError.write(
      Data((message + (fix.map { "\n  fix: \($0)" } ?? "") + "\n").utf8))
    Foundation.exit(1)
  }
}
