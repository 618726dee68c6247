import ArgumentParser
import Foundation
import RunbookKit
import Synchronization

struct Build: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Render the runbook for each deployment into Output/<deployment>/.")

  @OptionGroup var location: LocationOptions

  @Option(help: "Where the sites go, relative to --root.")
  var output = "Output"

  @Flag(help: "Treat warnings (steps without a note, missing images) as errors.")
  var strict = false

  @Option(help: "Paper size of the print page: A4 or letter.")
  var paper: Paper = .a4

  @Argument(help: "Deployment files (default: every file in Content/deployments/).")
  var deployments: [String] = []

  func run() throws {
    let where_ = location.location
    let folder = URL(fileURLWithPath: output, relativeTo: where_.root).standardizedFileURL
    let builder = SiteBuilder(
      options: BuildOptions(
        location: where_, deploymentFiles: deployments.map(location.absolute), strict: strict,
        paper: paper, progress: ProgressLine.forTerminal()))
    let shown = where_.display(folder)
    let writer = OutputWriter(folder: folder) { pid in
      FileHandle.standardError.write(
        Data(
          "runbook: waiting for the build with process id \(pid), which is writing \(shown)/\n"
            .utf8))
    }
    let result = builder.build(into: writer)
    ProgressLine.clear()
    try report(result, verb: "built")
    if !result.built.isEmpty {
      print(TerminalText.safe(where_.display(folder.appendingPathComponent("index.html"))))
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
        location: location.location, deploymentFiles: deployments.map(location.absolute),
        strict: strict))
    try report(builder.build(into: nil), verb: "checked")
  }
}

/// A batch build's progress on one terminal line: quiet when stderr is not a terminal or in CI.
enum ProgressLine {
  private struct State {
    let start = Date()
    var lastDraw = Date.distantPast
    var drawn = false
  }

  private static let state = Mutex(State())

  static func forTerminal() -> (@Sendable (BuildProgress) -> Void)? {
    guard isatty(STDERR_FILENO) == 1, ProcessInfo.processInfo.environment["CI"] == nil else {
      return nil
    }
    return { progress in
      Self.state.withLock { state in
        let now = Date()
        // At most ten redraws a second, and always the last one.
        guard progress.done == progress.total || now.timeIntervalSince(state.lastDraw) > 0.1
        else { return }
        state.lastDraw = now
        let seconds = max(now.timeIntervalSince(state.start), 0.001)
        let rate = Int(Double(progress.done * progress.pagesPerSite) / seconds)
        let line = "\r\u{1B}[K  \(progress.done)/\(progress.total) deployments · \(rate) pages/s"
        FileHandle.standardError.write(Data(line.utf8))
        state.drawn = true
      }
    }
  }

  static func clear() {
    if Self.state.withLock({ $0.drawn }) {
      FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
  }
}
