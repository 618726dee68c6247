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

  /// Prints the sites of deployments `ids` in `output`, each `print.html` to `<id>-runbook.pdf`
  /// beside it, through one browser, up to `parallel` pages at a time. Returns the PDFs.
  ///
  /// - Parameter display: how diagnostics show a path.
  public static func printSites(
    _ ids: [String], in output: URL, parallel: Int = ProcessInfo.processInfo.activeProcessorCount,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    display: (URL) -> String
  ) throws(DiagnosticError) -> [URL] {
    let jobs = ids.map { id in
      let site = output.appendingPathComponent(id)
      return (
        page: site.appendingPathComponent("print.html"),
        pdf: site.appendingPathComponent("\(id)-runbook.pdf")
      )
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
      try session.print(jobs, parallel: max(1, parallel))
    } catch {
      throw DiagnosticError([
        .error(
          at: SourceLocation(path: display(first.page)), "printing failed: \(error)",
          fix: "open the print.html of each site in a browser and print it to PDF from there")
      ])
    }
    return jobs.map(\.pdf)
  }
}
