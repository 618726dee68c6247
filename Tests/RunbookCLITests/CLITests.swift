import Foundation
import Testing

/// The built `runbook` binary, run as a user runs it: stdout, stderr and the exit code.
@Suite(.serialized) struct CLITests {
  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  static var binary: URL {
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("runbook")
    if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
    return repositoryRoot.appendingPathComponent(".build/debug/runbook")
  }

  static func run(_ arguments: [String], in folder: URL) throws -> Run {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = folder
    var environment = ProcessInfo.processInfo.environment
    environment["SOURCE_DATE_EPOCH"] = "1767225600"
    process.environment = environment
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }

  /// Content and Templates copied to a temporary runbook folder.
  static func temporaryRunbook() throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    for folder in ["Content", "Templates"] {
      try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
    }
    return root
  }

  @Test func buildWritesEverySiteAndTheIndex() throws {
    let root = try Self.temporaryRunbook()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = try Self.run(["build", "--root", root.path], in: FileManager.default.temporaryDirectory)
    #expect(run.status == 0)
    #expect(run.stdout == "Output/index.html\n")
    #expect(run.stderr == "built 2 deployments, 0 failed; 0 errors, 0 warnings\n")
    for page in ["index.html", "contoso/index.html", "fabrikam/install-mim-service-portal/post-installation-tasks.html"] {
      #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("Output/\(page)").path))
    }
  }

  @Test func checkReportsABadDeploymentWithItsLocationAndFix() throws {
    let root = try Self.temporaryRunbook()
    defer { try? FileManager.default.removeItem(at: root) }
    let bad = root.appendingPathComponent("Content/deployments/typo.yml")
    let good = try String(contentsOf: root.appendingPathComponent("Content/deployments/fabrikam.yml"), encoding: .utf8)
    try good.replacingOccurrences(of: "  mim_server:", with: "  mim_sever:").write(to: bad, atomically: true, encoding: .utf8)
    let run = try Self.run(["check", "Content/deployments/typo.yml"], in: root)
    #expect(run.status == 1)
    #expect(run.stdout == "")
    #expect(
      run.stderr == """
        Content/deployments/typo.yml:6:3: error: unknown value 'mim_sever'
          fix: did you mean 'mim_server'? (Computer name of the server that runs MIM Service and Portal, replaces CORPIDM, mimservername)
        checked 0 deployments, 1 failed; 1 error, 0 warnings

        """)
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("Output").path))
  }

  @Test func strictCheckPassesOnTheProjectsContent() throws {
    let run = try Self.run(["check", "--strict"], in: Self.repositoryRoot)
    #expect(run.status == 0)
    #expect(run.stderr == "checked 2 deployments, 0 failed; 0 errors, 0 warnings\n")
  }

  @Test func strictCheckFailsOnWarnings() throws {
    let root = try Self.temporaryRunbook()
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.removeItem(at: root.appendingPathComponent("Content/checks/install-mim-service-portal.yml"))
    let relaxed = try Self.run(["check"], in: root)
    #expect(relaxed.status == 0)
    #expect(
      relaxed.stderr == """
        Content/pages/install-mim-service-portal.md: warning: the page has no validation notes
          fix: write Content/checks/install-mim-service-portal.yml with a note for each step, keyed by stage and step number
        checked 2 deployments, 0 failed; 0 errors, 1 warning

        """)
    let strict = try Self.run(["check", "--strict"], in: root)
    #expect(strict.status == 1)
    #expect(strict.stderr.hasPrefix("Content/pages/install-mim-service-portal.md: error: the page has no validation notes\n"))
    #expect(strict.stderr.hasSuffix("checked 0 deployments, 2 failed; 1 error, 0 warnings\n"))
  }

  @Test func usageErrorsExitWith64() throws {
    let run = try Self.run(["build", "--rot", "x"], in: Self.repositoryRoot)
    #expect(run.status == 64)
    #expect(run.stderr.contains("Error: Unknown option '--rot'. Did you mean '--root'?"))
  }

  @Test func initWritesADeploymentFileWithEveryValue() throws {
    let root = try Self.temporaryRunbook()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = try Self.run(["init", "staging"], in: root)
    #expect(run.status == 0)
    #expect(run.stdout == "wrote Content/deployments/staging.yml: fill in every value, then run 'runbook build Content/deployments/staging.yml'\n")
    let text = try String(contentsOf: root.appendingPathComponent("Content/deployments/staging.yml"), encoding: .utf8)
    #expect(text.hasPrefix("# Deployment values for Install MIM 2016 Service and Portal.\n"))
    #expect(text.contains("  # Computer name of the server that runs MIM Service and Portal (hostname; replaces CORPIDM, mimservername)\n  mim_server: \"\"\n"))
    let again = try Self.run(["init", "staging"], in: root)
    #expect(again.status == 1)
    #expect(again.stderr == "Content/deployments/staging.yml: error: the file exists already\n  fix: pick another name, or edit that file\n")
  }
}
