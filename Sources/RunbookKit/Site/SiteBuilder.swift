import Foundation
import Synchronization

/// What `runbook build` and `runbook check` are asked to do.
public struct BuildOptions: Sendable {
  public var location: RunbookLocation
  /// Deployment files; empty means every file in `Content/deployments/`.
  public var deploymentFiles: [String]
  /// Warnings count as errors.
  public var strict: Bool
  public var buildDate: String
  public var paper: Paper
  /// Told after each deployment. Called from any thread.
  public var progress: (@Sendable (BuildProgress) -> Void)?
  /// What the last builds rendered, for `serve`: a build renders only what changed since.
  public var memo: RenderMemo?

  public init(
    location: RunbookLocation, deploymentFiles: [String] = [], strict: Bool = false,
    buildDate: String = BuildOptions.dateFromEnvironment(), paper: Paper = .a4,
    progress: (@Sendable (BuildProgress) -> Void)? = nil
  ) {
    self.paper = paper
    self.progress = progress
    self.location = location
    self.deploymentFiles = deploymentFiles
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
  /// Of `built`, the sites that held what this build would have written: left untouched.
  public var unchanged: [String] = []
  public var failed: [String] = []
  public var diagnostics: [Diagnostic] = []

  public var succeeded: Bool { failed.isEmpty && !diagnostics.hasErrors }

  /// The closing line: `built 2 deployments, 0 failed; 0 errors, 3 warnings`.
  public var summary: String { summary(verb: "built") }

  /// The closing line with another verb: `checked 2 deployments, ...`.
  public func summary(verb: String) -> String {
    func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
    let untouched = unchanged.isEmpty ? "" : " (\(unchanged.count) unchanged)"
    return "\(verb) \(count(built.count, "deployment"))\(untouched), \(failed.count) failed; "
      + "\(count(diagnostics.errors.count, "error")), \(count(diagnostics.warnings.count, "warning"))"
  }
}

/// Runs the pipeline as named steps, as Publish runs its publishing steps: load → compile, then
/// for each deployment check → fill → write, then the index. Only the sink writes.
public struct SiteBuilder: Sendable {
  public let options: BuildOptions

  public init(options: BuildOptions) {
    self.options = options
  }

  /// Builds every deployment into `sink`; with none (`runbook check`), writes nothing.
  public func build(into sink: (any SiteSink)?) -> BuildReport {
    var report = BuildReport()
    // Held until the build returns: one build at a time writes a folder.
    let held: AnyObject?
    do {
      held = try sink?.lock()
    } catch {
      report.diagnostics.append(
        .error(
          at: SourceLocation(
            path: options.location.display(URL(fileURLWithPath: sink?.place ?? ""))),
          "cannot take the output folder: \(ErrorReason.of(error))",
          fix: "check that the output folder is writable"))
      return report
    }
    defer { withExtendedLifetime(held) {} }
    guard let loaded = load(&report) else { return report }
    let compiled = compile(loaded, &report)
    // What is wrong with the pages is wrong for every deployment: said once, and then no site is
    // written, though each deployment file is still checked.
    let sink = compiled.diagnostics.hasErrors ? nil : sink
    let written = fill(compiled, loaded, into: sink, &report)
    if let sink, !report.built.isEmpty || options.deploymentFiles.isEmpty {
      index(written, loaded, into: sink, &report)
    }
    report.diagnostics = report.diagnostics.sortedByLocation()
    return report
  }
}

private extension SiteBuilder {
  /// What the load step reads from disk: the runbook (pages, notes, images), the templates and
  /// every deployment file's text. Nothing later reads a file.
  struct Loaded {
    var runbook: Runbook
    var templates: Templates
    var files: [DeploymentFile]
    /// The runbook definition as written: part of every site's pre-key.
    var definitionText: String
  }

  struct DeploymentFile: Sendable {
    var id: String
    var path: String
    /// The file's text, or why it cannot be read.
    var text: Result<String, DiagnosticError>
  }

  /// A deployment's outcome: its values parsed and checked, or why not.
  typealias Checked = Result<Deployment, DiagnosticError>

  func load(_ report: inout BuildReport) -> Loaded? {
    let location = options.location
    let runbook: Runbook
    let templates: Templates
    let definitionText =
      (try? String(contentsOf: location.url(location.definition), encoding: .utf8)) ?? ""
    options.memo?.begin(definition: [
      location.root.path, location.definition, location.source ?? "", definitionText,
    ])
    do {
      runbook = try Runbook(loading: location, memo: options.memo)
      templates = try Templates(
        folder: location.templatesFolder, display: location.display, memo: options.memo)
    } catch {
      report.diagnostics = error.diagnostics
      return nil
    }
    report.diagnostics += runbook.warnings.map { options.strict ? $0.promotedToError : $0 }
    // A file named twice on the command line is built once.
    var seen = Set<String>()
    let urls =
      (options.deploymentFiles.isEmpty
      ? runbook.defaultDeploymentFiles() : options.deploymentFiles.map { location.url($0) })
      .filter { seen.insert($0.standardizedFileURL.path).inserted }
    if urls.isEmpty {
      report.diagnostics.append(
        .error(
          at: SourceLocation(path: location.display(runbook.deploymentsFolder)),
          "no deployment files",
          fix: "write one with 'runbook init NAME', or name deployment files on the command line"))
      return nil
    }
    let files = ParallelWork.map(count: urls.count) { index in
      let full = urls[index].path
      let path = location.display(path: full)
      return DeploymentFile(
        id: Self.deploymentID(full) ?? urls[index].deletingPathExtension().lastPathComponent,
        path: path,
        text: Result { () throws(DiagnosticError) in try YAMLFile.read(urls[index], path: path) })
    }
    return Loaded(
      runbook: runbook, templates: templates, files: files, definitionText: definitionText)
  }

  /// The file's name without `.yml` or `.yaml`; nil for any other name.
  static func deploymentID(_ path: String) -> String? {
    let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
    for suffix in [".yml", ".yaml"] where name.hasSuffix(suffix) && name.count > suffix.count {
      return String(name.dropLast(suffix.count))
    }
    return nil
  }

  /// A deployment file parsed and checked against the definition: its values are known good
  /// before anything is filled in for it.
  ///
  /// - Parameter twins: the other files whose site would have the same folder.
  static func check(
    _ file: DeploymentFile, _ definition: RunbookDefinition, twins: [String] = []
  ) throws(DiagnosticError) -> Deployment {
    let at = SourceLocation(path: file.path)
    guard Deployment.isValidID(file.id) else {
      throw DiagnosticError([
        .error(
          at: at, "the file name '\(file.id)' cannot name a site folder",
          fix:
            "rename the file with letters, digits, '-', '_' and '.' only, starting with a letter or digit"
        )
      ])
    }
    guard !Deployment.reservedIDs.contains(file.id.lowercased()) else {
      throw DiagnosticError([
        .error(
          at: at,
          "the site of '\(file.id)' would be written where the output's own '\(file.id)' is",
          fix:
            "rename the file: \(Deployment.reservedIDs.sorted().map { "'\($0)'" }.joined(separator: ", ")) are the output folder's own"
        )
      ])
    }
    guard twins.isEmpty else {
      throw DiagnosticError([
        .error(
          at: at,
          "\(file.path) and \(twins.joined(separator: " and ")) would both be written to the site '\(file.id)'",
          fix:
            "rename or remove one of them: a site's folder is its file's name without .yml or .yaml"
        )
      ])
    }
    let text = try file.text.get()
    return try Deployment(id: file.id, path: file.path, text: text, definition: definition)
  }

  /// The runbook rendered once, with holes for each deployment's values.
  func compile(_ loaded: Loaded, _ report: inout BuildReport) -> CompiledSite {
    var compiled = SiteRenderer(
      runbook: loaded.runbook, templates: loaded.templates, buildDate: options.buildDate,
      paper: options.paper, memo: options.memo
    )
    .compile()
    compiled.diagnostics = compiled.diagnostics.map { options.strict ? $0.promotedToError : $0 }
    report.diagnostics += compiled.diagnostics
    return compiled
  }

  /// Checks, fills in and writes every deployment, each as soon as the one before on its core is
  /// written, one per core at a time: parsing overlaps writing, and memory stays flat however
  /// many there are. Returns the sites written, in file order.
  func fill(
    _ compiled: CompiledSite, _ loaded: Loaded, into sink: (any SiteSink)?,
    _ report: inout BuildReport
  ) -> [SiteEntry] {
    try? sink?.writeShared(
      compiled.files.compactMap { file in
        file.sharedData.map { SiteFile(path: file.path, data: $0) }
      }
    )
    let pagesPerSite = compiled.files.filter { $0.path.hasSuffix(".html") }.count
    let progress = options.progress.map { report in
      { @Sendable (done: Int, total: Int) in
        report(BuildProgress(done: done, total: total, pagesPerSite: pagesPerSite))
      }
    }
    let strictWarnings = options.strict && !loaded.runbook.warnings.warnings.isEmpty
    let definition = loaded.runbook.definition
    let files = loaded.files
    // A deployment's choices make a site of their own: the runbook is compiled once for each set
    // of choices that some deployment makes (and once with every alternative shown).
    let sites = CompiledSites(first: compiled) { selection in
      SiteRenderer(
        runbook: loaded.runbook, templates: loaded.templates, buildDate: options.buildDate,
        paper: options.paper, memo: options.memo
      ).compile(selection: selection)
    }
    let paths = Dictionary(grouping: files, by: \.id).mapValues { $0.map(\.path) }
    // Under --strict a held site's warnings would fail it: every deployment is checked then.
    let inputs =
      sink != nil && !options.strict ? preKeyInputs(compiled, loaded.definitionText) : nil
    let outcomes = ParallelWork.map(count: files.count, progress: progress) { index in
      let file = files[index]
      let preKey = inputs.flatMap { inputs in
        (try? file.text.get()).map { Self.preKey(file, text: $0, inputs: inputs) }
      }
      // A site built from these very bytes and inputs: the file is not even parsed.
      if let preKey, paths[file.id]?.count == 1, let held = sink?.held(file.id, preKey: preKey) {
        return Outcome(ok: true, diagnostics: held.warnings, entry: held.entry, unchanged: true)
      }
      let checked = Result { () throws(DiagnosticError) in
        try Self.check(
          file, definition, twins: (paths[file.id] ?? []).filter { $0 != file.path })
      }
      return fillOne(
        checked, (try? checked.get()).map { sites[$0.choices] } ?? compiled, definition,
        strictWarnings: strictWarnings, preKey: preKey, into: sink)
    }
    var written: [SiteEntry] = []
    for (file, outcome) in zip(loaded.files, outcomes) {
      report.diagnostics += outcome.diagnostics
      if outcome.ok && !compiled.diagnostics.hasErrors {
        report.built.append(file.id)
        if outcome.unchanged { report.unchanged.append(file.id) }
      } else {
        report.failed.append(file.id)
      }
      if let entry = outcome.entry { written.append(entry) }
    }
    return written
  }

  /// A warning for each choice of the runbook that a deployment does not make.
  static func choicesNotMade(by deployment: Deployment, in definition: RunbookDefinition)
    -> [Diagnostic]
  {
    definition.choices.filter { deployment.choices[$0.key] == nil }.map { choice in
      .warning(
        at: SourceLocation(path: deployment.path),
        "the deployment makes no choice of '\(choice.key)' (\(choice.description)): its site shows every alternative",
        fix:
          "add 'choose: {\(choice.key): \(choice.options[0].id)}' (or \(choice.options.dropFirst().map(\.id).joined(separator: ", ")))"
      )
    }
  }

  /// The compiled site of each set of choices, compiled the first time a deployment asks.
  final class CompiledSites: Sendable {
    private let compile: @Sendable ([String: String]) -> CompiledSite
    private let cache: Mutex<[[String: String]: CompiledSite]>

    init(first: CompiledSite, compile: @escaping @Sendable ([String: String]) -> CompiledSite) {
      self.compile = compile
      cache = Mutex([[:]: first])
    }

    subscript(selection: [String: String]) -> CompiledSite {
      // Compiling under the lock: a set of choices is compiled once, however many ask.
      cache.withLock { cache in
        if let site = cache[selection] { return site }
        let site = compile(selection)
        cache[selection] = site
        return site
      }
    }
  }

  /// What every site's pre-key starts from: this program, the build's options, the definition
  /// as written and the compiled site (every page, note, template, asset and image, rendered).
  func preKeyInputs(_ compiled: CompiledSite, _ definitionText: String) -> UInt64 {
    var hash = ContentHash.fnv(
      "runbook-prekey-1\n\(Self.program)\n\(options.paper)\n\(options.buildDate)\n".utf8)
    hash = ContentHash.fnv(definitionText.utf8, seed: hash)
    for file in compiled.files {
      hash = ContentHash.fnv(file.path.utf8, seed: hash)
      hash = ContentHash.fnv(file.contentHash, seed: hash)
    }
    return hash
  }

  /// A deployment's pre-key: the bytes of its file, where it is, and everything else.
  static func preKey(_ file: DeploymentFile, text: String, inputs: UInt64) -> String {
    ContentHash.hex(ContentHash.fnv("\(file.id)\n\(file.path)\n\(text)".utf8, seed: inputs))
  }

  /// This program's file, by device, inode, size and time: a new build of runbook may check
  /// deployments otherwise, so it trusts no pre-key of another.
  static let program: String = {
    var info = stat()
    guard stat("/proc/self/exe", &info) == 0 else { return "unknown \(UUID())" }
    return
      "\(info.st_dev) \(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
  }()

  struct Outcome: Sendable {
    var ok: Bool
    var diagnostics: [Diagnostic]
    var entry: SiteEntry?
    var unchanged = false
  }

  func fillOne(
    _ checked: Checked, _ compiled: CompiledSite, _ definition: RunbookDefinition,
    strictWarnings: Bool, preKey: String? = nil, into sink: (any SiteSink)?
  ) -> Outcome {
    let deployment: Deployment
    switch checked {
    case .success(let value): deployment = value
    case .failure(let error): return Outcome(ok: false, diagnostics: error.diagnostics)
    }
    // A site built from the same inputs is there already: nothing to fill or write.
    let held = sink?.holds(deployment.id, key: compiled.key(for: deployment)) ?? false
    var site = held ? nil : compiled.fill(deployment)
    let diagnostics =
      ((site?.diagnostics ?? []) + Self.choicesNotMade(by: deployment, in: definition))
      .map { options.strict ? $0.promotedToError : $0 }
    if diagnostics.hasErrors || strictWarnings {
      return Outcome(ok: false, diagnostics: diagnostics)
    }
    site?.preKey = preKey
    site?.warnings = diagnostics
    guard let sink, let site else {
      let entry = SiteEntry(
        id: deployment.id, name: deployment.name, stages: compiled.stageCount,
        steps: compiled.stepCount, runbook: compiled.runbookTitle)
      if held, let sink, let preKey {
        try? sink.keep(
          deployment.id, preKey: preKey, as: HeldSite(entry: entry, warnings: diagnostics))
      }
      return Outcome(ok: true, diagnostics: diagnostics, entry: held ? entry : nil, unchanged: held)
    }
    do {
      try sink.write(site)
    } catch {
      let folder = URL(fileURLWithPath: sink.place).appendingPathComponent(deployment.id)
      return Outcome(
        ok: false,
        diagnostics: diagnostics + [
          .error(
            at: SourceLocation(path: options.location.display(folder)),
            "cannot write the site: \(ErrorReason.of(error))",
            fix: "check that the output folder is writable and the disk has room")
        ])
    }
    return Outcome(ok: true, diagnostics: diagnostics, entry: SiteEntry(site))
  }

  /// The index of every site the sink holds, written last, from what the sink says it holds.
  func index(
    _ written: [SiteEntry], _ loaded: Loaded, into sink: any SiteSink, _ report: inout BuildReport
  ) {
    do {
      let sites = try sink.record(
        written, runbook: loaded.runbook.definition.title,
        keeping: options.deploymentFiles.isEmpty ? Set(loaded.files.map(\.id)) : nil)
      // The index of a thousand sites takes a while to render: not when the sink holds it.
      let key = indexKey(sites, loaded.templates)
      let held = sink.holdsIndex(key)
      let index =
        held ? [] : [SiteFile(path: "index.html", text: indexPage(sites: sites, loaded.templates))]
      // The page a static host shows for a path it does not have; templates of an older
      // release have none.
      let notFound = loaded.templates.renderIfPresent(
        "404", NotFoundPage(buildDate: options.buildDate)
      ).map { SiteFile(path: "404.html", text: $0) }
      try sink.writeTopLevel(
        index + (notFound.map { [$0] } ?? [])
          + loaded.templates.assets.map { SiteFile(path: $0.path, data: $0.data) })
      if !held { try sink.recordIndex(key) }
    } catch {
      report.diagnostics.append(
        .error(
          at: SourceLocation(path: options.location.display(URL(fileURLWithPath: sink.place))),
          "cannot write the index: \(ErrorReason.of(error))",
          fix: "check that the output folder is writable"))
    }
  }

  /// What the index is made from: the templates, the date and every site's entry.
  func indexKey(_ sites: [SiteEntry], _ templates: Templates) -> String {
    var hash = ContentHash.fnv("runbook-index-1\n\(options.buildDate)\n".utf8)
    hash = ContentHash.fnv(templates.fingerprint, seed: hash)
    for site in sites {
      let fields = [site.id, site.name, "\(site.stages)", "\(site.steps)", site.runbook]
      hash = ContentHash.fnv((fields.joined(separator: "\u{0}") + "\n").utf8, seed: hash)
    }
    return ContentHash.hex(hash)
  }

  func indexPage(sites: [SiteEntry], _ templates: Templates) -> String {
    templates.render(
      "index",
      IndexPage(
        buildDate: options.buildDate, hasDeployments: !sites.isEmpty,
        deployments: sites.map { site in
          IndexPage.Deployment(
            id: site.id, href: LinkResolver.escape(site.id) + "/index.html", name: site.name,
            stages: site.stages, steps: site.steps, runbook: site.runbook)
        }))
  }
}
