import Foundation

/// What `runbook build` and `runbook check` are asked to do.
public struct BuildOptions: Sendable {
  public var location: RunbookLocation
  /// Deployment files; empty means every file in `Content/deployments/`.
  public var deploymentFiles: [String]
  /// Where sites are written; nil writes nothing (`runbook check`).
  public var output: URL?
  /// Warnings count as errors.
  public var strict: Bool
  public var buildDate: String
  public var paper: Paper
  /// Keeps every built site in the report (`runbook serve` serves them from memory).
  public var keepSites = false
  /// Told after each deployment. Called from any thread.
  public var progress: (@Sendable (BuildProgress) -> Void)?

  public init(
    location: RunbookLocation, deploymentFiles: [String] = [], output: URL?, strict: Bool = false,
    buildDate: String = BuildOptions.dateFromEnvironment(), paper: Paper = .a4,
    progress: (@Sendable (BuildProgress) -> Void)? = nil
  ) {
    self.paper = paper
    self.progress = progress
    self.location = location
    self.deploymentFiles = deploymentFiles
    self.output = output
    self.strict = strict
    self.buildDate = buildDate
  }

  /// Today, or the day of `SOURCE_DATE_EPOCH` when it is set, as YYYY-MM-DD in UTC.
  public static func dateFromEnvironment(
    _ environment: [String: String] = ProcessInfo.processInfo.environment
  )
    -> String
  {
    let seconds =
      environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init) ?? Date().timeIntervalSince1970
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    return formatter.string(from: Date(timeIntervalSince1970: seconds))
  }
}

/// How far a batch build is: deployments done of all, and pages each site has.
public struct BuildProgress: Sendable {
  public var done: Int
  public var total: Int
  public var pagesPerSite: Int
}

/// How a build went: what was built, what failed, and every diagnostic, sorted.
public struct BuildReport: Sendable {
  public var built: [String] = []
  public var failed: [String] = []
  public var diagnostics: [Diagnostic] = []
  /// With `keepSites`: every site built, its files, and the index page listing them.
  public var sites: [DeploymentSite] = []
  public var indexPage: Data?
  public var topLevelAssets: [(path: String, data: Data)] = []

  public var succeeded: Bool { failed.isEmpty && !diagnostics.hasErrors }

  /// The closing line: `built 2 deployments, 0 failed; 0 errors, 3 warnings`.
  public var summary: String {
    func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
    return "built \(count(built.count, "deployment")), \(failed.count) failed; "
      + "\(count(diagnostics.errors.count, "error")), \(count(diagnostics.warnings.count, "warning"))"
  }
}

/// Runs the pipeline: the runbook once, then every deployment; writes each good site whole.
public struct SiteBuilder: Sendable {
  public let options: BuildOptions

  public init(options: BuildOptions) {
    self.options = options
  }

  public func build() -> BuildReport {
    var report = BuildReport()
    let location = options.location
    let runbook: Runbook
    let templates: Templates
    do {
      runbook = try Runbook(loading: location)
      templates = try Templates(folder: location.templatesFolder, display: location.display)
    } catch {
      report.diagnostics = error.diagnostics
      return report
    }
    report.diagnostics += runbook.warnings.map { options.strict ? $0.promotedToError : $0 }
    let files =
      options.deploymentFiles.isEmpty
      ? runbook.defaultDeploymentFiles() : options.deploymentFiles.map { location.url($0) }
    if files.isEmpty {
      report.diagnostics.append(
        .error(
          at: SourceLocation(path: location.display(runbook.deploymentsFolder)),
          "no deployment files",
          fix: "write one with 'runbook init NAME', or name deployment files on the command line"))
      return report
    }
    // The runbook is rendered once; each deployment only fills in its values.
    let compiled = SiteRenderer(
      runbook: runbook, templates: templates, buildDate: options.buildDate, paper: options.paper
    )
    .compile()
    // What is wrong with the pages is wrong for every deployment: said once, and then no site is
    // written, though each deployment file is still checked.
    let pageDiagnostics = compiled.diagnostics.map { options.strict ? $0.promotedToError : $0 }
    report.diagnostics += pageDiagnostics
    let writer = pageDiagnostics.hasErrors ? nil : options.output.map(OutputWriter.init(folder:))
    let ids = files.map { $0.deletingPathExtension().lastPathComponent }
    writer?.writeShared(
      compiled.files.compactMap { file in file.sharedData.map { (file.path, $0) } })
    // Deployments build in parallel, one per core at a time, each written as soon as it is
    // filled: memory stays flat however many there are. Results are kept in file order.
    let pagesPerSite = compiled.files.filter { $0.path.hasSuffix(".html") }.count
    let progress = options.progress.map { report in
      { @Sendable (done: Int, total: Int) in
        report(BuildProgress(done: done, total: total, pagesPerSite: pagesPerSite))
      }
    }
    let keep = options.keepSites
    let outcomes = ParallelWork.map(count: files.count, progress: progress) { index in
      buildDeployment(
        file: files[index], id: ids[index], runbook: runbook, compiled: compiled, writer: writer,
        keep: keep)
    }
    for (id, outcome) in zip(ids, outcomes) {
      report.diagnostics += outcome.diagnostics
      if outcome.ok && !pageDiagnostics.hasErrors {
        report.built.append(id)
      } else {
        report.failed.append(id)
      }
    }
    if keep && !pageDiagnostics.hasErrors {
      report.sites = outcomes.compactMap(\.site)
      let entries = report.sites.map(OutputWriter.SiteEntry.init)
      report.indexPage = Data(indexPage(sites: entries, templates: templates).utf8)
      report.topLevelAssets = templates.assets
    }
    if let writer, !report.built.isEmpty || options.deploymentFiles.isEmpty {
      do {
        try writer.updateManifest(
          written: outcomes.compactMap(\.entry), runbook: runbook.definition.title,
          keeping: options.deploymentFiles.isEmpty ? Set(ids) : nil)
        try writer.writeTopLevel(
          "index.html", contents: Data(indexPage(sites: writer.sites(), templates: templates).utf8))
        for asset in templates.assets {
          let url = writer.folder.appendingPathComponent(asset.path)
          try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
          try asset.data.write(to: url, options: .atomic)
        }
      } catch {
        report.diagnostics.append(
          .error(
            at: SourceLocation(path: location.display(writer.folder)),
            "cannot write the index: \(error.localizedDescription)",
            fix: "check that the output folder is writable"))
      }
    }
    report.diagnostics = report.diagnostics.sortedByLocation()
    return report
  }
}

private extension SiteBuilder {
  struct Outcome: Sendable {
    var ok: Bool
    var diagnostics: [Diagnostic]
    var entry: OutputWriter.SiteEntry?
    var site: DeploymentSite?
  }

  func buildDeployment(
    file: URL, id: String, runbook: Runbook, compiled: CompiledSite, writer: OutputWriter?,
    keep: Bool
  ) -> Outcome {
    let path = options.location.display(file)
    // The id names the site's folder and the browser's store of ticks: keep it plain.
    guard let first = id.first, first.isLetter || first.isNumber,
      id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
    else {
      return Outcome(
        ok: false,
        diagnostics: [
          .error(
            at: SourceLocation(path: path), "the file name '\(id)' cannot name a site folder",
            fix:
              "rename the file with letters, digits, '-', '_' and '.' only, starting with a letter or digit"
          )
        ])
    }
    guard let text = try? String(contentsOf: file, encoding: .utf8) else {
      return Outcome(
        ok: false,
        diagnostics: [
          .error(
            at: SourceLocation(path: path), "cannot read the deployment file",
            fix: "check the path; deployment files live in Content/deployments/")
        ])
    }
    let deployment: Deployment
    do {
      deployment = try Deployment(id: id, path: path, text: text, definition: runbook.definition)
    } catch {
      return Outcome(ok: false, diagnostics: error.diagnostics)
    }
    let site = compiled.fill(deployment)
    let diagnostics = site.diagnostics.map { options.strict ? $0.promotedToError : $0 }
    if diagnostics.hasErrors || (options.strict && runbook.warnings.count > 0) {
      return Outcome(ok: false, diagnostics: diagnostics)
    }
    guard let writer else {
      return Outcome(ok: true, diagnostics: diagnostics, site: keep ? site : nil)
    }
    do {
      try writer.write(site)
    } catch {
      return Outcome(
        ok: false,
        diagnostics: diagnostics + [
          .error(
            at: SourceLocation(
              path: options.location.display(writer.folder.appendingPathComponent(id))),
            "cannot write the site: \(error.localizedDescription)",
            fix: "check that the output folder is writable and the disk has room")
        ])
    }
    return Outcome(
      ok: true, diagnostics: diagnostics, entry: OutputWriter.SiteEntry(site),
      site: keep ? site : nil)
  }

  func indexPage(sites: [OutputWriter.SiteEntry], templates: Templates) -> String {
    templates.render(
      "index",
      [
        "root": "",
        "buildDate": options.buildDate,
        "hasDeployments": !sites.isEmpty,
        "deployments": sites.map { site -> [String: Any] in
          [
            "id": site.id, "href": LinkResolver.escape(site.id) + "/index.html", "name": site.name,
            "stages": site.stages, "steps": site.steps, "runbook": site.runbook,
          ]
        },
      ])
  }
}

/// Runs work items on every core and returns their results in item order.
enum ParallelWork {
  private final class Results<T>: @unchecked Sendable {
    let lock = NSLock()
    var values: [T?]
    var done = 0
    init(count: Int) { values = Array(repeating: nil, count: count) }
  }

  static func map<T: Sendable>(
    count: Int, progress: (@Sendable (Int, Int) -> Void)? = nil, _ work: @Sendable (Int) -> T
  ) -> [T] {
    let results = Results<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { index in
      let value = work(index)
      results.lock.lock()
      results.values[index] = value
      results.done += 1
      let done = results.done
      results.lock.unlock()
      progress?(done, count)
    }
    // swift-format-ignore: NeverForceUnwrap
    // (concurrentPerform returns after every iteration has stored its value)
    return results.values.map { $0! }
  }
}
