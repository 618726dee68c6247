import Foundation

/// Prints sites' `print.html` to PDF with headless Chromium, one browser for all of them.
public enum PDFPrinter {
  /// Browser commands tried in order on PATH.
  public static let browsers = [
    "chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
  ]

  /// The first browser found on PATH, or nil.
  public static func findBrowser(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> URL? {
    let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
    for name in browsers {
      for folder in folders {
        let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      }
    }
    return nil
  }

  /// A program on PATH, or nil.
  static func findTool(_ name: String, environment: [String: String]) -> URL? {
    let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
    return folders.map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
      .first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }

  /// The page (from 1) where each part of a printed runbook starts, by the `data-part` of its
  /// entry in the contents: `stage-N` where "STAGE N OF M" first shows, `values` and `sign-off`
  /// where their headings stand after the last stage. Nil when pdftotext fails.
  static func startPages(of pdf: URL, pdftotext: URL) -> [String: Int]? {
    PDFText(pdf, pdftotext: pdftotext)?.startPages()
  }

  /// pdftotext reading one PDF, started at once and waited for when its text is needed: a
  /// batch reads each PDF while the browser prints the next ones.
  final class PDFText {
    private let process = Process()
    private let text: URL

    /// Nil when pdftotext cannot start.
    init?(_ pdf: URL, pdftotext: URL) {
      text = FileManager.default.temporaryDirectory.appendingPathComponent(
        "runbook-pdftext-\(getpid())-\(UUID().uuidString).txt")
      process.executableURL = pdftotext
      process.arguments = [pdf.path, text.path]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      do { try process.run() } catch { return nil }
    }

    deinit {
      if process.isRunning {
        process.terminate()
        process.waitUntilExit()
      }
      try? FileManager.default.removeItem(at: text)
    }

    /// Waits for pdftotext; nil when it failed.
    func startPages() -> [String: Int]? {
      process.waitUntilExit()
      guard process.terminationStatus == 0,
        let data = FileManager.default.contents(atPath: text.path)
      else { return nil }
      return PDFPrinter.startPages(
        inPages: String(decoding: data, as: UTF8.self).components(separatedBy: "\u{0C}"))
    }
  }

  /// `startPages(of:pdftotext:)` on the text of each page.
  static func startPages(inPages pages: [String]) -> [String: Int] {
    var starts: [String: Int] = [:]
    var last = 0
    for (index, text) in pages.enumerated() {
      let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      for line in lines where line.hasPrefix("STAGE ") {
        let words = line.split(separator: " ")
        guard words.count >= 4, words[2] == "OF", let number = Int(words[1]) else { continue }
        if starts["stage-\(number)"] == nil {
          starts["stage-\(number)"] = index + 1
          last = index
        }
      }
    }
    for (part, heading) in [("values", "Values sheet"), ("sign-off", "Sign-off")] {
      if let page = pages.indices.first(where: { index in
        index > last
          && pages[index].split(separator: "\n").contains {
            $0.trimmingCharacters(in: .whitespaces) == heading
          }
      }) {
        starts[part] = page + 1
      }
    }
    return starts
  }

  /// The print page with each contents entry's page number filled in.
  static func numbering(_ html: String, _ starts: [String: Int]) -> String {
    var result = html
    for (part, page) in starts {
      result = result.replacingOccurrences(
        of: "<span class=\"toc-page\" data-part=\"\(part)\"></span>",
        with: "<span class=\"toc-page\" data-part=\"\(part)\">\(page)</span>")
    }
    return result
  }

  /// The print page with `events` as its record: a script before record.js's that hands them
  /// over (record.js shows them instead of the browser's own). `<` is written `\u003c`, so no
  /// name or note can end the script.
  static func withRecord(_ html: String, _ events: [RecordEvent]) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let json = String(decoding: (try? encoder.encode(events)) ?? Data("[]".utf8), as: UTF8.self)
      .replacingOccurrences(of: "<", with: "\\u003c")
      .replacingOccurrences(of: "\u{2028}", with: "\\u2028")
      .replacingOccurrences(of: "\u{2029}", with: "\\u2029")
    let tag = "<script src=\"assets/record.js\"></script>"
    let seed = "<script>window.runbookRecordGiven = \(json);</script>\n"
    guard let at = html.range(of: tag, options: .backwards) else { return html }
    return html.replacingCharacters(in: at.lowerBound..<at.lowerBound, with: seed)
  }

  /// Prints the sites of deployments `ids` in `output`, each `print.html` to `<id>-runbook.pdf`
  /// beside it, through one browser, up to `parallel` pages at a time. Returns the PDFs.
  ///
  /// - Parameter display: how diagnostics show a path.
  /// - Parameter records: the run record to print, by deployment id (`--record`): who ticked
  ///   each step and when, the notes, the count done and the steps not done.
  public static func printSites(
    _ ids: [String], in output: URL, parallel: Int = ProcessInfo.processInfo.activeProcessorCount,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    records: [String: [RecordEvent]] = [:],
    display: (URL) -> String
  ) throws(DiagnosticError) -> [URL] {
    var copies: [URL] = []
    defer { for copy in copies { try? FileManager.default.removeItem(at: copy) } }
    let jobs = ids.map { id in
      let site = output.appendingPathComponent(id)
      let page = site.appendingPathComponent("print.html")
      let pdf = site.appendingPathComponent("\(id)-runbook.pdf")
      // A record is given to the print page's record.js in a copy of the page.
      guard let events = records[id], let html = try? String(contentsOf: page, encoding: .utf8)
      else { return (page: page, pdf: pdf) }
      let copy = site.appendingPathComponent(".print-record-\(getpid()).html")
      guard (try? Data(withRecord(html, events).utf8).write(to: copy)) != nil else {
        return (page: page, pdf: pdf)
      }
      copies.append(copy)
      return (page: copy, pdf: pdf)
    }
    guard let first = jobs.first else { return [] }
    guard let browser = findBrowser(environment: environment) else {
      throw DiagnosticError([
        .error(
          at: SourceLocation(path: display(first.page)),
          "Chromium is not installed, so no PDF was made",
          fix:
            "install it ('sudo apt-get install chromium'), or open \(display(first.page)) in any browser and print it to PDF"
        )
      ])
    }
    do {
      let session = try BrowserSession(browser: browser)
      // Chromium ignores CSS target-counter(): where each part starts is read from a printing
      // (pdftotext) and written into the contents. Without pdftotext, none are shown.
      guard let pdftotext = findTool("pdftotext", environment: environment) else {
        try session.print(jobs, parallel: max(1, parallel))
        return jobs.map(\.pdf)
      }
      try printNumbered(jobs, session: session, pdftotext: pdftotext, parallel: max(1, parallel))
    } catch {
      throw DiagnosticError([
        .error(
          at: SourceLocation(path: display(first.page)), "printing failed: \(error)",
          fix: "open the print.html of each site in a browser and print it to PDF from there")
      ])
    }
    return jobs.map(\.pdf)
  }

  /// Prints each site with the page where each part starts in its contents. The sites of one
  /// runbook mostly paginate alike: one is printed as it is to read its numbers, then every site
  /// is printed with those, and each PDF is read back; a site whose parts start elsewhere is
  /// printed again with its own numbers (twice at most). A site printed twice, as each was
  /// before, now only when its pages differ.
  static func printNumbered(
    _ jobs: [(page: URL, pdf: URL)], session: BrowserSession, pdftotext: URL, parallel: Int
  ) throws {
    guard let first = jobs.first else { return }
    try session.print([first], parallel: 1)
    let guess = startPages(of: first.pdf, pdftotext: pdftotext) ?? [:]
    var numbers = Array(repeating: guess, count: jobs.count)
    var pending = Array(jobs.indices)
    var copies: [URL] = []
    defer { for copy in copies { try? FileManager.default.removeItem(at: copy) } }
    for round in 0..<3 where !pending.isEmpty {
      let printing = pending.map { index in
        let job = jobs[index]
        guard let html = try? String(contentsOf: job.page, encoding: .utf8) else { return job }
        let copy = job.page.deletingLastPathComponent().appendingPathComponent(
          ".print-numbered-\(getpid())-\(round).html")
        guard (try? Data(numbering(html, numbers[index]).utf8).write(to: copy)) != nil else {
          return job
        }
        copies.append(copy)
        return (page: copy, pdf: job.pdf)
      }
      // Each PDF is read back as soon as it is written, while the browser prints the rest.
      var reading: [Int: PDFText] = [:]
      try session.print(printing, parallel: parallel) { printed in
        reading[printed] = PDFText(printing[printed].pdf, pdftotext: pdftotext)
      }
      pending = pending.indices.compactMap { position in
        let index = pending[position]
        guard let starts = reading[position]?.startPages(), !starts.isEmpty,
          starts != numbers[index]
        else { return nil }
        numbers[index] = starts
        return index
      }
    }
  }
}
