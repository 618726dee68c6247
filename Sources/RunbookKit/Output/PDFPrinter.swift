import Foundation

/// Prints a site's `print.html` to PDF with headless Chromium.
public struct PDFPrinter: Sendable {
  /// Browser commands tried in order on PATH.
  public static let browsers = [
    "chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
  ]

  public let browser: URL

  public init(browser: URL) {
    self.browser = browser
  }

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

  /// What went wrong, with what Chromium said.
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// Prints `page` to `pdf`, replacing it; a half-written PDF is never left in its place.
  ///
  /// Page size and margins come from the page's CSS `@page`; Chromium adds no header or footer
  /// of its own, and makes bookmarks from the headings.
  public func print(_ page: URL, to pdf: URL) throws(Failure) {
    let temporary = pdf.deletingLastPathComponent().appendingPathComponent(
      ".\(pdf.lastPathComponent).new-\(getpid())")
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-chromium-\(UUID().uuidString)")
    defer {
      try? FileManager.default.removeItem(at: profile)
      try? FileManager.default.removeItem(at: temporary)
    }
    var arguments = [
      "--headless", "--disable-gpu", "--no-pdf-header-footer", "--generate-pdf-document-outline",
      "--user-data-dir=\(profile.path)", "--print-to-pdf=\(temporary.path)", page.absoluteString,
    ]
    // Chromium's sandbox refuses to run as root.
    if geteuid() == 0 { arguments.insert("--no-sandbox", at: 1) }
    let process = Process()
    process.executableURL = browser
    process.arguments = arguments
    let errors = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    do {
      try process.run()
    } catch {
      throw Failure(description: "cannot start \(browser.path): \(error.localizedDescription)")
    }
    let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let size =
      (try? FileManager.default.attributesOfItem(atPath: temporary.path)[.size] as? Int) ?? 0
    guard process.terminationStatus == 0, size > 0 else {
      throw Failure(
        description:
          "\(browser.lastPathComponent) exited with status \(process.terminationStatus) and wrote no PDF; it said:\n"
          + Self.relevant(said))
    }
    if rename(temporary.path, pdf.path) != 0 {
      throw Failure(
        description: "cannot move the PDF to \(pdf.path): \(String(cString: strerror(errno)))")
    }
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
    let process = Process()
    process.executableURL = pdftotext
    process.arguments = [pdf.path, "-"]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    let pages = String(decoding: data, as: UTF8.self).components(separatedBy: "\u{0C}")
    return startPages(inPages: pages)
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

  /// Chromium's stderr without the noise it always prints (D-Bus, the launcher's shell).
  static func relevant(_ stderr: String) -> String {
    let lines = stderr.split(separator: "\n").filter { line in
      !line.contains("dbus") && !line.contains("unexpected operator")
        && !line.trimmingCharacters(in: .whitespaces).isEmpty
    }
    return lines.isEmpty ? "  (nothing)" : lines.map { "  " + $0 }.joined(separator: "\n")
  }

  /// Prints the site of deployment `id` in `output`: its `print.html` to `<id>-runbook.pdf`
  /// beside it. Returns the PDF.
  ///
  /// - Parameter display: how diagnostics show a path.
  public static func printSite(
    _ id: String, in output: URL,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    display: (URL) -> String
  ) throws(DiagnosticError) -> URL {
    let site = output.appendingPathComponent(id)
    let page = site.appendingPathComponent("print.html")
    guard let browser = findBrowser(environment: environment) else {
      throw DiagnosticError([
        .error(
          at: SourceLocation(path: display(page)), "Chromium is not installed, so no PDF was made",
          fix:
            "install it ('sudo apt-get install chromium'), or open \(display(page)) in any browser and print it to PDF"
        )
      ])
    }
    let pdf = site.appendingPathComponent("\(id)-runbook.pdf")
    do {
      let printer = PDFPrinter(browser: browser)
      try printer.print(page, to: pdf)
      // Chromium ignores CSS target-counter(): read where each part starts from this printing,
      // then print again with the numbers in the contents. Without pdftotext, none are shown.
      if let pdftotext = findTool("pdftotext", environment: environment),
        let html = try? String(contentsOf: page, encoding: .utf8),
        let starts = startPages(of: pdf, pdftotext: pdftotext), !starts.isEmpty
      {
        let numbered = site.appendingPathComponent(".print-numbered-\(getpid()).html")
        defer { try? FileManager.default.removeItem(at: numbered) }
        do {
          try Data(numbering(html, starts).utf8).write(to: numbered)
        } catch {
          throw Failure(description: "cannot write \(numbered.path): \(error.localizedDescription)")
        }
        try printer.print(numbered, to: pdf)
      }
    } catch {
      throw DiagnosticError([
        .error(
          at: SourceLocation(path: display(page)), "printing failed: \(error)",
          fix: "open \(display(page)) in a browser and print it to PDF from there")
      ])
    }
    return pdf
  }
}
