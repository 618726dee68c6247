import Foundation
import RunbookTestSupport
import Synchronization
import Testing

/// The built `runbook` binary, run as a user runs it: stdout, stderr and the exit code.
@Suite(.serialized) struct CLITests {
  static let repositoryRoot = TestRunbook.repositoryRoot

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

  static func run(_ arguments: [String], in folder: URL, path: String? = nil) throws -> Run {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = folder
    var environment = ProcessInfo.processInfo.environment
    environment["SOURCE_DATE_EPOCH"] = "1767225600"
    if let path { environment["PATH"] = path }
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

  @Test func buildWritesEverySiteAndTheIndex() throws {
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = try Self.run(
      ["build", "--root", root.path], in: FileManager.default.temporaryDirectory)
    #expect(run.status == 0)
    #expect(run.stdout == "Output/index.html\n")
    #expect(run.stderr == "built 2 deployments, 0 failed; 0 errors, 0 warnings\n")
    for page in [
      "index.html", "contoso/index.html",
      "fabrikam/install-mim-service-portal/post-installation-tasks.html",
    ] {
      #expect(
        FileManager.default.fileExists(atPath: root.appendingPathComponent("Output/\(page)").path))
    }
  }

  @Test func checkReportsABadDeploymentWithItsLocationAndFix() throws {
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    let bad = root.appendingPathComponent("Content/deployments/typo.yml")
    let good = try String(
      contentsOf: root.appendingPathComponent("Content/deployments/fabrikam.yml"), encoding: .utf8)
    try good.replacingOccurrences(of: "  mim_server:", with: "  mim_sever:").write(
      to: bad, atomically: true, encoding: .utf8)
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
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.removeItem(
      at: root.appendingPathComponent("Content/checks/install-mim-service-portal.yml"))
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
    #expect(
      strict.stderr.hasPrefix(
        "Content/pages/install-mim-service-portal.md: error: the page has no validation notes\n"))
    #expect(strict.stderr.hasSuffix("checked 0 deployments, 2 failed; 1 error, 0 warnings\n"))
  }

  @Test func usageErrorsExitWith64() throws {
    let run = try Self.run(["build", "--rot", "x"], in: Self.repositoryRoot)
    #expect(run.status == 64)
    #expect(run.stderr.contains("Error: Unknown option '--rot'. Did you mean '--root'?"))
  }

  @Test func initWritesADeploymentFileWithEveryValue() throws {
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = try Self.run(["init", "staging"], in: root)
    #expect(run.status == 0)
    #expect(
      run.stdout
        == "wrote Content/deployments/staging.yml: fill in every value, then run 'runbook build Content/deployments/staging.yml'\n"
    )
    let text = try String(
      contentsOf: root.appendingPathComponent("Content/deployments/staging.yml"), encoding: .utf8)
    #expect(text.hasPrefix("# Deployment values for Install MIM 2016 Service and Portal.\n"))
    #expect(
      text.contains(
        "  # Computer name of the server that runs MIM Service and Portal (hostname; replaces CORPIDM, mimservername)\n  mim_server: \"\"\n"
      ))
    let again = try Self.run(["init", "staging"], in: root)
    #expect(again.status == 1)
    #expect(
      again.stderr
        == "Content/deployments/staging.yml: error: the file exists already\n  fix: pick another name, or edit that file\n"
    )
  }

  // Regression test for #13.5: a build killed between the two renames of a swap left a
  // deployment with no site while the index still linked it. A few trials here; the script the
  // README names runs 200.
  @Test(.enabled(if: TestRunbook.executable("python3") != nil, "python3 runs scripts/kill-test"))
  func buildsKilledAtRandomPointsLeaveEverySiteOldOrNew() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", Self.repositoryRoot.appendingPathComponent("scripts/kill-test").path, "6",
      "--binary", Self.binary.path, "--deployments", "8",
    ]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(text)")
    #expect(
      text.hasSuffix(
        "kill-test: 6 of 6 trials: every site old or new, the index true; the next build left no work folder\n"
      ), "\(text)")
  }

  @Test func aSecondBuildIntoOneFolderWaitsAndSaysForWhom() throws {
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    let output = root.appendingPathComponent("Output")
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    // Hold the lock as a build does, from this process.
    let lock = open(output.appendingPathComponent(".runbook-lock").path, O_RDWR | O_CREAT, 0o644)
    #expect(flock(lock, LOCK_EX) == 0)
    _ = "\(getpid())\n".withCString { write(lock, $0, strlen($0)) }
    let process = Process()
    process.executableURL = Self.binary
    process.arguments = ["build", "--root", root.path]
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // The first line comes while this process still holds the lock.
    var first = Data()
    while !first.contains(UInt8(ascii: "\n")) {
      let chunk = err.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      first += chunk
    }
    close(lock)
    let rest = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(
      String(decoding: first, as: UTF8.self)
        == "runbook: waiting for the build with process id \(getpid()), which is writing Output/\n")
    #expect(process.terminationStatus == 0)
    #expect(
      String(decoding: rest, as: UTF8.self)
        == "built 2 deployments, 0 failed; 0 errors, 0 warnings\n")
  }

  static func output(of tool: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  @Test(
    .enabled(
      if: TestRunbook.executable("chromium") != nil && TestRunbook.executable("pdftotext") != nil
        && TestRunbook.executable("pdfinfo") != nil && TestRunbook.executable("pdfimages") != nil,
      "chromium or poppler-utils is not installed (scripts/setup --test installs them)"))
  func pdfIsAChangeRecordAnOperatorWouldSign() throws {
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = try Self.run(["pdf", "fabrikam"], in: root)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "Output/fabrikam/fabrikam-runbook.pdf\n")
    #expect(run.stderr == "built 1 deployment, 0 failed; 0 errors, 0 warnings\n")
    let pdf = root.appendingPathComponent("Output/fabrikam/fabrikam-runbook.pdf").path

    let info = try Self.output(of: try #require(TestRunbook.executable("pdfinfo")), [pdf])
    #expect(info.contains("Page size:       594.96 x 841.92 pts (A4)"))
    // The PDF's title is the runbook and the deployment, not the page's "· print".
    #expect(
      info.contains("Title:           Install MIM 2016 Service and Portal · Fabrikam production\n"))
    let pages =
      Int(
        info.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last
          ?? "") ?? 0
    // Cover, contents, at least a page a stage, the values sheet and the sign-off.
    #expect(pages >= 10)

    // The page's seven screenshots ship with the project (images: local): all are in the PDF at
    // their own size, none is a broken-image icon.
    let screenshots = try Self.pngSizes(under: root.appendingPathComponent("Content/pages/media"))
    #expect(screenshots.count == 7)
    #expect(try Self.imageSizes(in: pdf) == screenshots)

    let text = try Self.output(
      of: try #require(TestRunbook.executable("pdftotext")), ["-layout", pdf, "-"])
    let sheets = text.components(separatedBy: "\u{0C}")
    #expect(sheets[0].contains("Install MIM 2016 Service and Portal"))
    #expect(sheets[0].contains("Fabrikam production"))
    #expect(sheets[0].contains("fabrikam.yml"))
    #expect(sheets[0].contains("2026-01-01"))
    #expect(sheets[0].contains("Content version               2021-03-18"))
    // Every stage starts a page of its own, in order.
    var lastPage = 1
    for (number, title) in [
      "Before you begin", "Configure MIM Service and Portal for installation",
      "Configure MIM Password Registration Portal",
      "Configure MIM Password Reset Portal", "Install MIM Service and Portal",
      "Post-installation tasks",
    ].enumerated() {
      let page = sheets.firstIndex { $0.contains("STAGE \(number + 1) OF 6") } ?? -1
      #expect(page > lastPage, "stage \(number + 1) starts on page \(page + 1)")
      #expect(sheets[max(page, 0)].contains(title))
      lastPage = page
      // The contents give the page where the stage starts (printed twice to know it).
      let entry = sheets[1].split(separator: "\n").first { $0.contains(title) } ?? ""
      #expect(
        entry.split(separator: " ").last.map(String.init) == String(page + 1),
        "contents: \(entry)")
    }
    let parts = sheets[1].split(separator: "\n").first { $0.contains("Values sheet") } ?? ""
    let valuesPage = sheets.lastIndex { $0.contains("Values sheet") }.map { $0 + 1 } ?? 0
    let signOffPage = sheets.lastIndex { $0.contains("Sign-off") }.map { $0 + 1 } ?? 0
    #expect(
      parts.split(separator: " ").filter { !$0.isEmpty }.joined(separator: " ")
        == "Values sheet \(valuesPage) · Sign-off \(signOffPage)")
    let values = try TestRunbook.deploymentValues("fabrikam")
    #expect(values.count == 11)
    for value in values.values {
      #expect(text.contains(value), "the PDF does not show \(value)")
    }
    for sample in ["contoso", "corpidm", "mimservername", "pass@word"] {
      #expect(!text.lowercased().contains(sample), "the PDF shows the sample \(sample)")
    }
    for sample in ["MIMService", "MIMMA", "MIMSSPR", "MIMSync"] {
      #expect(!text.contains(sample), "the PDF shows the sample \(sample)")
    }
    #expect(text.contains("Values sheet"))
    // The values sheet breaks a name only after one of its '_', never inside a word.
    let sheet = try #require(text.range(of: "Values sheet", options: .backwards))
    let words = Set(
      text[sheet.upperBound...].split(whereSeparator: \.isWhitespace).map(String.init))
    for key in values.keys {
      let whole = words.contains(key)
      let broken = key.indices.filter { key[$0] == "_" }.contains { underscore in
        let split = key.index(after: underscore)
        return words.contains(String(key[..<split])) && words.contains(String(key[split...]))
      }
      #expect(whole || broken, "the values sheet breaks \(key) inside a word")
    }
    #expect(text.contains("Performed by"))
    #expect(text.components(separatedBy: "Done by").count == 31)
    // Chromium's own header and footer (date, title, file URL) are off; our page numbers are on.
    #expect(!text.contains("file://"))
    #expect(!text.contains("print.html"))
    #expect(text.contains("Page 2 of \(pages)"))
  }

  // #18: the series loaded its screenshots from Microsoft's site, so a PDF printed without a
  // network showed none; its contents gave no page numbers.
  @Test(
    .enabled(
      if: TestRunbook.executable("chromium") != nil && TestRunbook.executable("pdftotext") != nil
        && TestRunbook.executable("pdfimages") != nil,
      "chromium or poppler-utils is not installed (scripts/setup --test installs them)"))
  func seriesPDFShowsItsScreenshotsAndWhereEachStageStarts() throws {
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    let corpus = TestRunbook.repositoryRoot.appendingPathComponent(
      "Tests/Fixtures/corpus/mim-deploy")
    let run = try Self.run(
      ["pdf", "fabrikam-mim", "--runbook", "Content/mim-deploy.yml", "--source", corpus.path],
      in: root)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "Output/fabrikam-mim/fabrikam-mim-runbook.pdf\n")
    let site = root.appendingPathComponent("Output/fabrikam-mim")
    let print = try String(
      contentsOf: site.appendingPathComponent("print.html"), encoding: .utf8)
    #expect(print.components(separatedBy: "<img src=\"").count - 1 == 17)
    #expect(!print.contains("<img src=\"http"))
    let screenshots = try Self.pngSizes(under: corpus.appendingPathComponent("media"))
    #expect(screenshots.count == 17)
    let pdf = site.appendingPathComponent("fabrikam-mim-runbook.pdf").path
    #expect(try Self.imageSizes(in: pdf) == screenshots)

    // The contents give the page where each of the 22 stages starts: the number at the right
    // of an entry's first line, in order.
    let sheets = try Self.output(
      of: try #require(TestRunbook.executable("pdftotext")), ["-layout", pdf, "-"]
    ).components(separatedBy: "\u{0C}")
    let starts = (1...22).map { stage in
      (sheets.firstIndex { $0.contains("STAGE \(stage) OF 22") } ?? -1) + 1
    }
    let entry = /\ {3}\S.*\S\ {3,}([0-9]+)/
    let numbers = try #require(sheets.dropFirst().first).split(separator: "\n").compactMap {
      $0.wholeMatch(of: entry).flatMap { Int($0.1) }
    }
    #expect(numbers == starts)
    #expect(starts == starts.sorted() && starts[0] == 3)
  }

  /// The size of each image `pdfimages -list` finds in `pdf` (not their soft masks), as
  /// "width x height", sorted.
  static func imageSizes(in pdf: String) throws -> [String] {
    let list = try output(of: try #require(TestRunbook.executable("pdfimages")), ["-list", pdf])
    // page num type width height ...
    return list.split(separator: "\n").dropFirst(2).compactMap { line in
      let columns = line.split(separator: " ")
      return columns.count > 4 && columns[2] == "image" ? "\(columns[3]) x \(columns[4])" : nil
    }.sorted()
  }

  /// The size of each PNG file under `folder`, read from its header, as "width x height", sorted.
  static func pngSizes(under folder: URL) throws -> [String] {
    let files = try #require(FileManager.default.enumerator(atPath: folder.path))
    return try files.compactMap { $0 as? String }.filter { $0.hasSuffix(".png") }.map { path in
      // The signature (8 bytes), the IHDR chunk's length and type (8), then width and height.
      let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(path)).prefix(24))
      let number = { (at: Int) in bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
      return "\(number(16)) x \(number(20))"
    }.sorted()
  }

  // #16: every PDF started a browser of its own.
  @Test(
    .enabled(
      if: TestRunbook.executable("chromium") != nil && TestRunbook.executable("pdfinfo") != nil,
      "chromium or poppler-utils is not installed (scripts/setup --test installs them)"))
  func pdfAllPrintsEveryDeploymentThroughOneBrowserKeepingBookmarksAndPaper() throws {
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = try Self.run(["pdf", "--all", "--paper", "letter"], in: root)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stdout == "Output/contoso/contoso-runbook.pdf\nOutput/fabrikam/fabrikam-runbook.pdf\n")
    for id in ["contoso", "fabrikam"] {
      let pdf = root.appendingPathComponent("Output/\(id)/\(id)-runbook.pdf")
      let info = try Self.output(of: try #require(TestRunbook.executable("pdfinfo")), [pdf.path])
      #expect(info.contains("Page size:       612 x 792 pts (letter)"), "\(info)")
      // Bookmarks: the document outline Chromium makes from the headings.
      let bytes = try Data(contentsOf: pdf)
      #expect(bytes.range(of: Data("/Outlines".utf8)) != nil)
    }
    let missing = try Self.run(["pdf"], in: root)
    #expect(missing.status == 64)
    #expect(missing.stderr.hasPrefix("Error: name a deployment (such as fabrikam), or give --all"))
  }

  @Test func pdfWithoutChromiumSaysHowToPrint() throws {
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = try Self.run(["pdf", "fabrikam"], in: root, path: "/nonexistent")
    #expect(run.status == 1)
    #expect(
      run.stderr == """
        built 1 deployment, 0 failed; 0 errors, 0 warnings
        Output/fabrikam/print.html: error: Chromium is not installed, so no PDF was made
          fix: install it ('sudo apt-get install chromium'), or open Output/fabrikam/print.html in any browser and print it to PDF

        """)
    #expect(
      FileManager.default.fileExists(
        atPath: root.appendingPathComponent("Output/fabrikam/print.html").path))
  }

  @Test func pdfOfAnUnknownDeploymentListsTheKnownOnes() throws {
    let run = try Self.run(["pdf", "fabrikan"], in: Self.repositoryRoot)
    #expect(run.status == 1)
    #expect(
      run.stderr
        == "Content/deployments/fabrikan.yml: error: no such deployment file\n  fix: the deployments are contoso, fabrikam\n"
    )
  }

  /// `runbook serve` started on a free port of 127.0.0.1; its first lines, and the port they
  /// name (0 when none came within 20 s).
  static func serve(_ root: URL, arguments: [String] = [])
    throws -> (process: Process, out: Pipe, text: String, port: Int)
  {
    let process = Process()
    process.executableURL = Self.binary
    process.arguments = ["serve", "--root", root.path, "--port", "0"] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // The first lines say where it listens and where the record is kept.
    var lines = Data()
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline, lines.filter({ $0 == UInt8(ascii: "\n") }).count < 2 {
      lines.append(out.fileHandleForReading.availableData)
    }
    let text = String(decoding: lines, as: UTF8.self)
    let port =
      text.hasPrefix("Serving") ? Int(text.split(separator: ":")[2].prefix { $0.isNumber }) ?? 0 : 0
    return (process, out, text, port)
  }

  @Test func serveAnswersThenStopsCleanlyOnSIGINT() throws {
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    let (process, out, text, port) = try Self.serve(root)
    #expect(text.hasPrefix("Serving 2 deployments at http://127.0.0.1:"))
    #expect(
      text.hasSuffix("Ctrl-C stops)\nTicks and notes are shared through Records/ under the root.\n")
    )
    #expect(port > 0)
    #expect(LoopbackClient(port: port).get("/fabrikam/").hasPrefix("HTTP/1.1 200 OK"))

    kill(process.processIdentifier, SIGINT)
    let stop = Date().addingTimeInterval(15)
    while process.isRunning && Date() < stop { Thread.sleep(forTimeInterval: 0.05) }
    #expect(!process.isRunning)
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(
      String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).hasSuffix(
        "Stopped.\n"))
    // The port is closed.
    #expect(LoopbackClient(port: port).get("/") == "")
  }

  // kill -9 in the middle of a stream of writes loses at most the write in flight: every
  // event the server answered is in the record when it starts again, and nothing else but
  // that one.
  @Test func serveKilledMidWriteKeepsEveryAnsweredEvent() throws {
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    let first = try Self.serve(root)
    #expect(first.port > 0)
    let path =
      "/_runbook/record?runbook=install-mim-2016-service-and-portal&deployment=fabrikam"
    let answered = Mutex<[Int]>([])
    let sent = Mutex(-1)
    let writer = Thread {
      let client = LoopbackClient(port: first.port)
      for sequence in 0..<100_000 {
        sent.withLock { $0 = sequence }
        let answer = client.post(
          path,
          json:
            "{\"events\":[{\"type\":\"note\",\"step\":\"install-mim-service-portal/before-you-begin/1\",\"operator\":\"Ann\",\"time\":\"2026-11-28T14:05:00.000Z\",\"text\":\"\(sequence)\"}]}"
        )
        guard answer.hasSuffix("{\"added\":1}\n") else { return }
        answered.withLock { $0.append(sequence) }
      }
    }
    writer.start()
    // Kill once some writes are answered: one is then most likely in flight.
    let deadline = Date().addingTimeInterval(30)
    while answered.withLock({ $0.count }) < 50 && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.01)
    }
    kill(first.process.processIdentifier, SIGKILL)
    first.process.waitUntilExit()
    while !writer.isFinished { Thread.sleep(forTimeInterval: 0.01) }
    let acknowledged = answered.withLock { $0 }
    let inFlight = sent.withLock { $0 }
    #expect(acknowledged.count >= 50)
    #expect(acknowledged == Array(0..<acknowledged.count))

    let second = try Self.serve(root)
    defer {
      second.process.terminate()
      second.process.waitUntilExit()
    }
    let record = LoopbackClient(port: second.port).get(path)
    let body = String(record[record.range(of: "\r\n\r\n")!.upperBound...])
    let texts = body.components(separatedBy: "\"text\" : \"").dropFirst().map {
      Int($0.prefix { $0.isNumber }) ?? -1
    }
    #expect(Array(texts.prefix(acknowledged.count)) == acknowledged)
    #expect(texts.count == acknowledged.count || texts == acknowledged + [inFlight])
  }

  // The record serve kept, exported by the command and printed from Records/ or from the
  // exported file: the same change record either way.
  @Test(
    .enabled(
      if: TestRunbook.executable("chromium") != nil && TestRunbook.executable("pdftotext") != nil,
      "chromium or poppler-utils is not installed (scripts/setup --test installs them)"))
  func recordExportAndPdfWithTheRecord() throws {
    let root = try TestRunbook.copy()
    defer { try? FileManager.default.removeItem(at: root) }
    let served = try Self.serve(root)
    let step = "install-mim-service-portal/before-you-begin/1"
    let answer = LoopbackClient(port: served.port).post(
      "/_runbook/record?runbook=install-mim-2016-service-and-portal&deployment=fabrikam",
      json: """
        {"events": [
          {"type": "tick", "step": "\(step)", "source": "9f28585d2c254f28", "operator": "Ann Operator", "time": "2026-11-28T14:05:00.000Z"},
          {"type": "note", "step": "\(step)", "source": "9f28585d2c254f28", "operator": "Bo", "time": "2026-11-28T14:06:00.000Z", "text": "CHG0042 <script>"}
        ]}
        """)
    #expect(answer.hasSuffix("{\"added\":2}\n"))
    kill(served.process.processIdentifier, SIGINT)
    served.process.waitUntilExit()

    let exported = try Self.run(["record", "export", "fabrikam"], in: root)
    #expect(exported.status == 0 && exported.stderr == "")
    // Everything but the times the server and the export stamped.
    let stamped = exported.stdout.replacing(
      /"(exported|received)" : "[0-9T:.\-]+Z"/, with: { "\"\($0.1)\" : \"…\"" })
    #expect(
      stamped == """
        {
          "deployment" : "fabrikam",
          "events" : [
            {
              "operator" : "Ann Operator",
              "received" : "…",
              "source" : "9f28585d2c254f28",
              "step" : "\(step)",
              "text" : "",
              "time" : "2026-11-28T14:05:00.000Z",
              "type" : "tick"
            },
            {
              "operator" : "Bo",
              "received" : "…",
              "source" : "9f28585d2c254f28",
              "step" : "\(step)",
              "text" : "CHG0042 <script>",
              "time" : "2026-11-28T14:06:00.000Z",
              "type" : "note"
            }
          ],
          "exported" : "…",
          "runbook" : "install-mim-2016-service-and-portal",
          "schema" : "runbook-record",
          "version" : 2
        }

        """)
    let saved = try Self.run(
      ["record", "export", "fabrikam", "-o", "fabrikam-record.json"], in: root)
    #expect(saved.stderr == "2 events of fabrikam written to fabrikam-record.json\n")
    let unknown = try Self.run(["record", "export", "nosuch"], in: root)
    #expect(unknown.status == 1)
    #expect(
      unknown.stderr
        == "Content/deployments/nosuch.yml: error: no such deployment file\n  fix: the deployments are contoso, fabrikam\n"
    )

    let pdf = root.appendingPathComponent("Output/fabrikam/fabrikam-runbook.pdf").path
    for arguments in [["--record"], ["--record-file", "fabrikam-record.json"]] {
      let run = try Self.run(["pdf", "fabrikam"] + arguments, in: root)
      #expect(run.status == 0, "\(run.stderr)")
      let text = try Self.output(
        of: try #require(TestRunbook.executable("pdftotext")), ["-layout", pdf, "-"]
      ).split(whereSeparator: \.isWhitespace).joined(separator: " ")
      #expect(text.contains("Done by Ann Operator Date 2026-11-28 "), "\(arguments)")
      #expect(text.contains("Note: CHG0042 <script>"), "\(arguments)")
      #expect(text.contains("Recorded: 1 of 30 steps done; not done:"), "\(arguments)")
    }
    // The PDF's helper page is gone.
    #expect(
      try FileManager.default.contentsOfDirectory(
        atPath: root.appendingPathComponent("Output/fabrikam").path
      ).filter { $0.hasPrefix(".print") } == [])

    // No record kept of contoso: printed, with a warning rather than a silent empty record.
    let none = try Self.run(["pdf", "contoso", "--record"], in: root)
    #expect(none.status == 0)
    #expect(
      none.stderr.contains(
        "Records/install-mim-2016-service-and-portal/contoso.sqlite: warning: runbook serve has kept no run record of contoso here: its PDF shows no ticks\n  fix: tick in the pages runbook serve serves from this root (--root), or give --record-file FILE\n"
      ), "\(none.stderr)")

    let other = try Self.run(
      ["pdf", "contoso", "--record-file", "fabrikam-record.json"], in: root)
    #expect(other.status == 1)
    #expect(
      other.stderr.hasSuffix(
        "fabrikam-record.json: error: this is the record of fabrikam (install-mim-2016-service-and-portal), not of contoso (install-mim-2016-service-and-portal)\n  fix: give the record exported from contoso's site\n"
      ))
    let both = try Self.run(["pdf", "--all", "--record-file", "fabrikam-record.json"], in: root)
    #expect(both.status == 64)
    #expect(
      both.stderr.hasPrefix(
        "Error: --record-file is one deployment's record: name that one deployment\n"))
  }
}
