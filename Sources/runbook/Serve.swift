import ArgumentParser
import Foundation
import RunbookKit
import RunbookRecord
import RunbookServe

struct Serve: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Build every deployment in memory, serve the sites, and rebuild and reload them as files change."
  )

  @OptionGroup var location: LocationOptions

  @Option(help: "The address to listen on; 127.0.0.1 keeps it to this machine.")
  var host = "127.0.0.1"

  @Option(help: "The port to listen on (0 picks a free one).")
  var port = 8000

  @Option(
    name: .customLong("allow-host"),
    help: ArgumentHelp(
      "A name the server answers for besides localhost, its addresses and --host (repeatable).",
      discussion:
        "Requests naming any other host get 421: a page of another site cannot read this server through DNS rebinding.",
      valueName: "name"))
  var allowHosts: [String] = []

  func validate() throws {
    guard (0...65535).contains(port) else {
      throw ValidationError("--port takes 0 to 65535, not \(port)")
    }
  }

  func run() throws {
    let started = Date()
    let session = ServeSession(location: location.location)
    let first = session.firstReport
    print(first.diagnostics)
    // The shared run record: Records/ under the root. Beyond this machine, every write takes a
    // token, given in the address printed below.
    let token = HostCheck.isLoopback(host) ? nil : RecordService.makeToken()
    let record = RecordService(store: RecordStore(root: location.location.root), token: token)
    let server = LiveServer(session: session, record: record, allowHosts: allowHosts)
    let bound: Int
    do {
      bound = try server.start(host: host, port: port)
    } catch {
      FileHandle.standardError.write(Data("\(error)\n".utf8))
      throw ExitCode.failure
    }
    session.onRebuild = { event, report in
      server.announce(event)
      let line: String
      switch event {
      case .reloaded: line = "rebuilt: \(report.summary)"
      case .failed(let text):
        line = "\(text)\nrebuild failed: \(report.summary); serving the last good pages"
      }
      FileHandle.standardError.write(Data("\(line)\n".utf8))
    }
    session.watch()

    // Ctrl-C and SIGTERM close the port and end the process with 0.
    let signals = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        session.stopWatching()
        server.stop()
      }
      source.resume()
      return source
    }
    let shown = host.contains(":") ? "[\(host)]" : host
    let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
    // Written straight to the descriptor: a test or a script reads the URL as soon as it is ready.
    FileHandle.standardOutput.write(
      Data(
        ("Serving \(first.built.count) deployment\(first.built.count == 1 ? "" : "s") at http://\(shown):\(bound)/"
          + " (built in \(milliseconds) ms; rebuilt when Content/ or Templates/ change; Ctrl-C stops)\n"
          + (token.map {
            "Ticks and notes are shared through Records/ under the root; to tick from another machine, open:\n"
              + RecordService.shareAddresses(host: host, port: bound, token: $0).map { "  \($0)\n" }
              .joined()
          } ?? "Ticks and notes are shared through Records/ under the root.\n"))
          .utf8))
    server.wait()
    withExtendedLifetime(signals) {}
    FileHandle.standardOutput.write(Data("Stopped.\n".utf8))
  }
}
