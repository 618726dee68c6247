// runbook-bench: how fast `runbook build` renders many deployments, against Hugo and the cmark CLI
// on the same pages in the same run. Whole-process wall time and peak memory (wait4's rusage),
// never a timed unit test. Run it through `scripts/bench`, which builds both in release mode.
//
//   runbook-bench [--counts 10,100,1000] [--runbook PATH] [--keep] [--edits 9] [--first-rounds 5]
import Foundation
import RunbookTestSupport
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

struct Measurement {
  var seconds: Double
  var peakKiB: Int
  var status: Int32
  /// Each round's seconds, in the order they ran, when this is a median.
  var rounds: [Double] = []
}

/// Spawns a command with its output discarded and measures it as a whole process.
func measure(_ executable: String, _ arguments: [String]) -> Measurement {
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
  let argv = ([executable] + arguments).map { strdup($0) } + [nil]
  defer { argv.forEach { free($0) } }
  var start = timespec(), end = timespec()
  clock_gettime(CLOCK_MONOTONIC, &start)
  var pid: pid_t = 0
  guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else {
    return Measurement(seconds: 0, peakKiB: 0, status: -1)
  }
  var status: Int32 = 0
  var usage = rusage()
  wait4(pid, &status, 0, &usage)
  clock_gettime(CLOCK_MONOTONIC, &end)
  let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
  return Measurement(seconds: seconds, peakKiB: usage.ru_maxrss, status: (status >> 8) & 0xFF)
}

/// Block devices' writes and discards completed and I/Os in flight, summed (/proc/diskstats).
func diskActivity() -> [Int] {
  guard let text = try? String(contentsOfFile: "/proc/diskstats", encoding: .utf8) else {
    return []
  }
  var total = [0, 0, 0]
  for line in text.split(separator: "\n") {
    let fields = line.split(separator: " ")
    guard fields.count >= 14, !fields[2].hasPrefix("loop"), !fields[2].hasPrefix("ram") else {
      continue
    }
    total[0] += Int(fields[7]) ?? 0  // writes completed
    total[1] += Int(fields[11]) ?? 0  // I/Os in flight
    total[2] += fields.count >= 15 ? Int(fields[14]) ?? 0 : 0  // discards completed
  }
  return total
}

/// Waits until the disk is quiet: `sync`, then nothing written, discarded or in flight for a
/// whole second (at most 30 s). What the last command deleted or wrote is then paid for by it
/// (its rm, or its writes, are inside its own timed run), not by the next command measured.
func settle() {
  sync()
  let deadline = Date().addingTimeInterval(30)
  var last = diskActivity()
  var quiet = 0
  while quiet < 4 && Date() < deadline {
    usleep(250_000)
    let now = diskActivity()
    quiet = now == last && (now.count < 2 || now[1] == 0) ? quiet + 1 : 0
    last = now
  }
}

/// `measure` on a quiet disk.
func measureSettled(_ executable: String, _ arguments: [String]) -> Measurement {
  settle()
  return measure(executable, arguments)
}

func onPath(_ name: String) -> String? {
  let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  return path.split(separator: ":").map { "\($0)/\(name)" }.first {
    FileManager.default.isExecutableFile(atPath: $0)
  }
}

func write(_ text: String, to path: String) {
  try? FileManager.default.createDirectory(
    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
  _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

// MARK: - Arguments

var counts = [10, 100, 1000]
var runbookBinary: String?
var keep = false
var serveSeconds = 3.0
var wrkSeconds = 10.0
var pdfCount = 20
var editRounds = 9
var firstRounds = 5
var serveOnly = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
  switch argument {
  case "--counts":
    counts = (arguments.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }
  case "--runbook": runbookBinary = arguments.popFirst()
  case "--keep": keep = true
  case "--serve-seconds": serveSeconds = Double(arguments.popFirst() ?? "") ?? serveSeconds
  case "--serve-only": serveOnly = true
  case "--wrk-seconds": wrkSeconds = Double(arguments.popFirst() ?? "") ?? wrkSeconds
  case "--pdfs": pdfCount = Int(arguments.popFirst() ?? "") ?? pdfCount
  case "--edits": editRounds = max(1, Int(arguments.popFirst() ?? "") ?? editRounds)
  case "--first-rounds": firstRounds = max(1, Int(arguments.popFirst() ?? "") ?? firstRounds)
  default:
    FileHandle.standardError.write(
      Data(
        "usage: runbook-bench [--counts 10,100,1000] [--runbook PATH] [--keep] [--serve-seconds 3] [--serve-only] [--wrk-seconds 10] [--pdfs 20] [--edits 9] [--first-rounds 5]\n"
          .utf8))
    exit(64)
  }
}
let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
let runbook = runbookBinary ?? here.appendingPathComponent("runbook").path
let project = FileManager.default.currentDirectoryPath
guard FileManager.default.isExecutableFile(atPath: runbook),
  FileManager.default.fileExists(atPath: project + "/Content/runbook.yml")
else {
  FileHandle.standardError.write(
    Data(
      "runbook-bench: run it from the project's root after 'swift build -c release' (scripts/bench does both)\n"
        .utf8))
  exit(1)
}
let hugo = onPath("hugo"), cmark = onPath("cmark")
let work = FileManager.default.temporaryDirectory.appendingPathComponent(
  "runbook-bench-\(getpid())"
).path
defer { if !keep { try? FileManager.default.removeItem(atPath: work) } }

// MARK: - The seed runbook, for runbook itself

/// The values of deployment `index`, by key, as runbook.yml names them.
func values(_ index: Int) -> [(key: String, sample: [String], value: String)] {
  [
    (
      "password_registration_host", ["passwordregistration.contoso.com"],
      "reg.cust\(index).example.com"
    ),
    ("password_reset_host", ["passwordreset.contoso.com"], "reset.cust\(index).example.com"),
    ("portal_host", ["mim.contoso.com"], "mim.cust\(index).example.com"),
    ("dns_domain", ["contoso.com"], "cust\(index).example.com"),
    ("domain", ["contoso", "Contoso"], "CUST\(index)"),
    ("mim_server", ["CORPIDM", "mimservername"], "IDM\(index)"),
    ("mim_service_account", ["MIMService"], "svc-mim\(index)"),
    ("mim_ma_account", ["MIMMA"], "svc-ma\(index)"),
    ("sspr_account", ["MIMSSPR"], "svc-sspr\(index)"),
    ("mim_sync_gmsa", ["MIMSync"], "gmsa-sync\(index)"),
    ("service_password", ["Pass@word1"], "vault://kv/cust\(index)/mim"),
  ]
}

func makeRunbookFolder(_ root: String, count: Int) {
  for folder in ["Content", "Templates"] {
    try? FileManager.default.copyItem(atPath: "\(project)/\(folder)", toPath: "\(root)/\(folder)")
  }
  let deployments = "\(root)/Content/deployments"
  try? FileManager.default.removeItem(atPath: deployments)
  try? FileManager.default.createDirectory(atPath: deployments, withIntermediateDirectories: true)
  for index in 0..<count {
    let lines = values(index).map { "  \($0.key): \"\($0.value)\"" }.joined(separator: "\n")
    write(
      "name: Customer \(index)\nvalues:\n\(lines)\n",
      to: "\(deployments)/d\(String(format: "%05d", index)).yml")
  }
}

// MARK: - The same pages for Hugo and cmark

/// The seed page's body split into its stages, as plain markdown with one deployment's values.
let seed =
  (try? String(
    contentsOfFile: "\(project)/Content/pages/install-mim-service-portal.md", encoding: .utf8))
  ?? ""
let body = seed.components(separatedBy: "\n---\n").dropFirst().joined(separator: "\n---\n")
let stages = body.components(separatedBy: "\n## ").dropFirst().map { "## " + $0 }

func substituted(_ text: String, _ index: Int) -> String {
  values(index).reduce(text) { text, value in
    value.sample.reduce(text) { $0.replacingOccurrences(of: $1, with: value.value) }
  }
}

/// Eight pages a deployment, as runbook writes: an overview, six stages and the whole page.
func makeMarkdownPages(_ folder: String, count: Int, frontMatter: Bool) -> [String] {
  var files: [String] = []
  for index in 0..<count {
    let overview =
      "# Customer \(index)\n\n"
      + values(index).map { "- \($0.key): `\($0.value)`" }.joined(separator: "\n")
    let pages = [overview] + stages.map { substituted($0, index) } + [substituted(body, index)]
    for (number, page) in pages.enumerated() {
      let path = "\(folder)/d\(index)/page\(number).md"
      write(
        (frontMatter ? "---\ntitle: \"Customer \(index) page \(number)\"\n---\n" : "") + page,
        to: path)
      files.append(path)
    }
  }
  return files
}

func makeHugoSite(_ root: String, count: Int) {
  write(
    "baseURL = \"/\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\"]\n[markup.goldmark.renderer]\nunsafe = false\n",
    to: "\(root)/config.toml")
  let layout =
    "<!doctype html><html><head><title>{{ .Title }}</title></head><body><main>{{ .Content }}</main></body></html>\n"
  write(layout, to: "\(root)/layouts/_default/single.html")
  write(
    "<!doctype html><html><body>{{ range .Pages }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</body></html>\n",
    to: "\(root)/layouts/_default/list.html")
  _ = makeMarkdownPages("\(root)/content", count: count, frontMatter: true)
}

// MARK: - Run

func mib(_ kib: Int) -> String { String(format: "%.0f MiB", Double(kib) / 1024) }
func rate(_ pages: Int, _ seconds: Double) -> Double { seconds > 0 ? Double(pages) / seconds : 0 }
func row(_ cells: [String]) -> String {
  let widths = [34, 7, 7, 9, 11, 9]
  return zip(cells, widths).map { cell, width in
    cell.count >= width
      ? cell
      : (width == 34
        ? cell + String(repeating: " ", count: width - cell.count)
        : String(repeating: " ", count: width - cell.count) + cell)
  }.joined(separator: "  ")
}

print(
  "runbook-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB"
)
print("hugo: \(hugo ?? "not installed"); cmark: \(cmark ?? "not installed")")
/// The file system `path` is on, as /proc/mounts gives it: device, type and options.
func mountOf(_ path: String) -> String {
  let text = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
  let mounts = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    .filter { $0.count >= 4 && (path == $0[1] || path.hasPrefix($0[1] == "/" ? "/" : $0[1] + "/")) }
  guard let mount = mounts.max(by: { $0[1].count < $1[1].count }) else { return "unknown" }
  return "\(mount[2]) on \(mount[0]) at \(mount[1]) (\(mount[3]))" + journalNote(mount)
}
/// For ext4, whether it keeps a journal (jbd2 lists each journal as <device>-<inode>). Without
/// one, ext4 passes over every inode freed in the last minutes each time it creates a file
/// (recently_deleted() in fs/ext4/ialloc.c): right after rm -rf, creating a file costs in
/// proportion to how many were just deleted, for every writer alike.
func journalNote(_ mount: [String]) -> String {
  guard mount[2] == "ext4" else { return "" }
  let device = (mount[0] as NSString).lastPathComponent
  // jbd2 names a journal by the kernel's name of the device: /dev/mapper/… or /dev/root are
  // other names, of which nothing can be said here.
  guard FileManager.default.fileExists(atPath: "/sys/class/block/" + device) else {
    return ", journal unknown (\(mount[0]) is not the kernel's name of its device)"
  }
  let journals = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/fs/jbd2")) ?? []
  return journals.contains { $0.hasPrefix(device + "-") }
    ? ", with a journal"
    : ", no journal: each file created passes over the inodes deleted in the last minutes"
      + " (ext4's recently_deleted), so a first build just after rm -rf is bound by the disk"
}
print("disk: \(mountOf(work))")
print(
  "disk state: each build, copy and render below starts after sync and a second with nothing written;"
)
print(
  "  first builds: \(firstRounds) rounds into new folders, then \(firstRounds) just after rm -rf of the last output, inside the timed command"
)
print(row(["", "sites", "pages", "wall", "pages/s", "peak"]))
var failed = false
/// The median of `count` runs of `body`, which returns one measurement, with every round's time.
func median(of count: Int = 3, _ body: () -> Measurement) -> Measurement {
  median((0..<count).map { _ in body() })
}

/// The median of `runs` by time, with every round's time, in the order they ran.
func median(_ runs: [Measurement]) -> Measurement {
  var middle = runs.sorted { $0.seconds < $1.seconds }[runs.count / 2]
  middle.rounds = runs.map(\.seconds)
  middle.status = runs.map(\.status).first { $0 != 0 } ?? 0
  return middle
}

func roundsText(_ result: Measurement) -> String {
  "   rounds " + result.rounds.map { String(format: "%.3f", $0) }.joined(separator: ", ")
}

/// A first build as a user makes one after `rm -rf`: the delete of the last output is inside
/// the timed command, so every round after the first starts on a disk that just freed as many
/// files as it is about to create.
func measureFirstBuild(deleting output: String, _ executable: String, _ arguments: [String])
  -> Measurement
{
  measureSettled(
    "/bin/sh", ["-c", "rm -rf -- \"$0\" && exec \"$@\"", output, executable] + arguments)
}

/// Appends a line to a file, so that the next build sees a changed input.
func touch(_ path: String, _ line: String) {
  let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
  write(text + line, to: path)
}

// Rebuilds over the existing output, as a user rebuilds: medians of three rounds, Hugo's
// rebuild over its own public/ beside them. Each count's run straight after its first builds,
// before a larger count's folders push its sites out of the page cache.
@MainActor func rebuilds(count: Int, root: String) {
  let pages = count * 8
  func line(_ label: String, _ result: Measurement) {
    failed = failed || result.status != 0
    print(
      row([
        label, "\(count)", "\(pages)", String(format: "%.3f s", result.seconds),
        String(format: "%.0f", rate(pages, result.seconds)), mib(result.peakKiB),
      ]) + roundsText(result))
  }
  var round = 0
  let templates = median {
    round += 1
    touch("\(root)/Templates/footer.mustache", "<!-- bench round \(round) -->\n")
    return measureSettled(runbook, ["build", "--root", root])
  }
  line("rebuild, a template changed (every page)", templates)
  let nothing = median { measureSettled(runbook, ["build", "--root", root]) }
  line("rebuild, nothing changed", nothing)
  let one = median {
    round += 1
    touch("\(root)/Content/deployments/d00000.yml", "# bench round \(round)\n")
    return measureSettled(runbook, ["build", "--root", root])
  }
  line("rebuild, one deployment file changed", one)
  if let hugo {
    let site = "\(work)/hugo-\(count)"
    let again = median {
      measureSettled(hugo, ["--quiet", "--source", site, "--destination", "\(site)/public"])
    }
    line("hugo rebuild over its output", again)
    if again.seconds > 0 {
      print(
        String(
          format:
            "  rebuild with every page changed: %.2fx hugo's speed; nothing changed: %.1f %% of hugo's time",
          again.seconds / max(templates.seconds, 0.000_001), 100 * nothing.seconds / again.seconds))
    }
  }
}

// First builds, runbook and Hugo in turn, medians of `firstRounds` rounds beside each other:
// into new folders, then each just after deleting its own last output (inside the timed command).
for count in serveOnly ? [] : counts {
  let root = "\(work)/runbook-\(count)"
  makeRunbookFolder(root, count: count)
  let pages = count * 8
  let site = "\(work)/hugo-\(count)"
  if hugo != nil { makeHugoSite(site, count: count) }
  /// One command measured in a round of first builds: what it runs in round k, and what it
  /// deletes inside its timed command first (nil: it writes a new folder).
  struct Writer {
    var label: String
    var executable: String
    var arguments: (Int) -> [String]
    var deletes: String?
  }
  /// `firstRounds` rounds of `writers` in turn, then each one's median, and runbook's (the
  /// first writer) against Hugo and against the copy.
  func firstBuilds(_ condition: String, _ writers: [Writer]) {
    var rounds = writers.map { _ in [Measurement]() }
    for k in 0..<firstRounds {
      for (index, writer) in writers.enumerated() {
        rounds[index].append(
          writer.deletes.map {
            measureFirstBuild(deleting: $0, writer.executable, writer.arguments(k))
          }
            ?? measureSettled(writer.executable, writer.arguments(k)))
      }
    }
    let medians = rounds.map(median)
    failed = failed || medians[0].status != 0
    for (writer, result) in zip(writers, medians) {
      print(
        row([
          "\(writer.label), \(condition)", "\(count)", "\(pages)",
          String(format: "%.3f s", result.seconds),
          String(format: "%.0f", rate(pages, result.seconds)), mib(result.peakKiB),
        ]) + roundsText(result))
    }
    let ratios = zip(writers, medians).dropFirst().filter { $1.status == 0 && $1.seconds > 0 }
      .map { writer, result in
        String(format: "%.2fx ", result.seconds / max(medians[0].seconds, 0.000_001))
          + writer.label
      }
    print(
      "  first build, \(condition), median of \(firstRounds): runbook's speed is "
        + ratios.joined(separator: ", "))
  }
  let hugoArguments = { (output: String) in
    ["--quiet", "--source", site, "--destination", output]
  }
  // `cp -a` keeps hard links, so it creates exactly the folders, files and links a build
  // makes: what merely creating them costs on this disk, with no rendering at all.
  let cp = onPath("cp")
  // Into a folder never used before: nothing was deleted, so the disk has no freed inodes or
  // blocks to catch up with. Round k writes Output-new-k (Hugo public-new-k, cp Output-copy-k).
  firstBuilds(
    "new folder",
    [
      Writer(
        label: "runbook build", executable: runbook,
        arguments: {
          ["build", "--root", root, "--output", "Output-new-\($0)"]
        })
    ]
      + (hugo.map { hugo in
        [
          Writer(
            label: "hugo", executable: hugo,
            arguments: { hugoArguments("\(site)/public-new-\($0)") })
        ]
      } ?? [])
      + (cp.map { cp in
        [
          Writer(
            label: "cp -a of that output", executable: cp,
            arguments: {
              ["-a", "\(root)/Output-new-0", "\(root)/Output-copy-\($0)"]
            })
        ]
      } ?? []))
  if let cmark {
    let files = makeMarkdownPages("\(work)/cmark-\(count)", count: count, frontMatter: false)
    let length = files.reduce(0) { $0 + $1.utf8.count + 1 + MemoryLayout<UnsafeRawPointer>.size }
    if length < sysconf(Int32(_SC_ARG_MAX)) / 2 {
      let result = measureSettled(cmark, files)
      print(
        row([
          "cmark, one process (render floor)", "\(count)", "\(pages)",
          String(format: "%.3f s", result.seconds),
          String(format: "%.0f", rate(pages, result.seconds)), mib(result.peakKiB),
        ]))
    } else {
      print(
        "cmark, one process (render floor): not run, \(pages) file names are more than one command line takes"
      )
    }
  }
  // As a user rebuilds from scratch: `rm -rf Output && runbook build`, the delete inside the
  // timed command, each round deleting what the round before wrote (the first deletes the first
  // new-folder build, moved to Output). The disk then creates as many files as it just freed.
  _ = rename("\(root)/Output-new-0", "\(root)/Output")
  _ = rename("\(site)/public-new-0", "\(site)/public")
  _ = rename("\(root)/Output-copy-0", "\(root)/Output-copy")
  firstBuilds(
    "after rm -rf",
    [
      Writer(
        label: "runbook build", executable: runbook, arguments: { _ in ["build", "--root", root] },
        deletes: "\(root)/Output")
    ]
      + (hugo.map { hugo in
        [
          Writer(
            label: "hugo", executable: hugo, arguments: { _ in hugoArguments("\(site)/public") },
            deletes: "\(site)/public")
        ]
      } ?? [])
      + (cp.map { cp in
        [
          Writer(
            label: "cp -a of that output", executable: cp,
            arguments: { _ in ["-a", "\(root)/Output", "\(root)/Output-copy"] },
            deletes: "\(root)/Output-copy")
        ]
      } ?? []))
  rebuilds(count: count, root: root)
}

// MARK: - runbook serve under load (loopback only, bounded in time and count)

/// Keep-alive GETs of one page on one connection until the deadline or the request budget.
@Sendable func hammer(port: Int, path: String, until deadline: Date, budget: Int) -> Int {
  guard let descriptor = LoopbackClient(port: port).connect() else { return 0 }
  defer { close(descriptor) }
  let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
  var buffer = [UInt8](repeating: 0, count: 1 << 16)
  var done = 0
  while done < budget && Date() < deadline {
    guard send(descriptor, request, request.count, 0) == request.count else { break }
    // Read the head, then as many body bytes as Content-Length says.
    var received: [UInt8] = []
    var expected: Int?
    while expected.map({ received.count < $0 }) ?? true {
      let count = recv(descriptor, &buffer, buffer.count, 0)
      if count <= 0 { return done }
      received += buffer[0..<count]
      if expected == nil, let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
        let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
        let length =
          head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
          .flatMap {
            Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
          } ?? 0
        expected = end.upperBound + length
      }
    }
    done += 1
  }
  return done
}

/// `runbook serve` started on a free port of 127.0.0.1 with `arguments`, once it listens; nil when
/// it does not start. The caller stops it.
func startServe(_ arguments: [String]) -> (process: Process, port: Int)? {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: runbook)
  process.arguments = ["serve", "--port", "0"] + arguments
  let out = Pipe()
  process.standardOutput = out
  process.standardError = FileHandle.nullDevice
  guard (try? process.run()) != nil else { return nil }
  var line = Data()
  while !line.contains(UInt8(ascii: "\n")) {
    let chunk = out.fileHandleForReading.availableData
    if chunk.isEmpty { break }
    line.append(chunk)
  }
  let fields = String(decoding: line, as: UTF8.self).split(separator: ":")
  guard fields.count > 2, let port = Int(fields[2].prefix { $0.isNumber }) else {
    stopServe(process)
    return nil
  }
  return (process, port)
}

func stopServe(_ process: Process) {
  kill(process.processIdentifier, SIGINT)
  process.waitUntilExit()
}

@MainActor func measureServe(seconds serveSeconds: Double) {
  let root = "\(work)/serve"
  makeRunbookFolder(root, count: 2)
  guard let (process, port) = startServe(["--root", root]) else { return }
  defer { stopServe(process) }
  let path =
    "/d00000/install-mim-service-portal/configure-mim-service-and-portal-for-installation.html"
  let counter = Mutex(0)
  let connections = 4
  let start = Date()
  let deadline = start.addingTimeInterval(serveSeconds)
  DispatchQueue.concurrentPerform(iterations: connections) { _ in
    let done = hammer(port: port, path: path, until: deadline, budget: 200_000)
    counter.withLock { $0 += done }
  }
  let seconds = Date().timeIntervalSince(start)
  print(
    String(
      format:
        "runbook serve: %d requests for a stage page in %.1f s over %d keep-alive connections on 127.0.0.1: %.0f requests/s",
      counter.withLock { $0 }, seconds, connections, Double(counter.withLock { $0 }) / seconds))
  if let wrk = onPath("wrk"), let nginx = onPath("nginx") ?? onPath("/usr/sbin/nginx") {
    compareWithNginx(wrk: wrk, nginx: nginx, root: root, runbookPort: port, path: path)
  }
}

/// `wrk -t2 -c50 -d10s` on the same stage page, served by runbook and then by nginx from the
/// built output, each alone on 127.0.0.1.
@MainActor func compareWithNginx(
  wrk: String, nginx: String, root: String, runbookPort: Int, path: String
) {
  func requestsPerSecond(_ port: Int) -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: wrk)
    process.arguments = ["-t2", "-c50", "-d\(Int(wrkSeconds))s", "http://127.0.0.1:\(port)\(path)"]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return 0 }
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let line = text.split(separator: "\n").first { $0.hasPrefix("Requests/sec:") } ?? ""
    return Double(line.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces)) ?? 0
  }
  let ours = requestsPerSecond(runbookPort)
  // nginx on the same files, written out by a build: its own prefix, config and port.
  _ = measure(runbook, ["build", "--root", root])
  let prefix = "\(work)/nginx"
  try? FileManager.default.createDirectory(
    atPath: prefix + "/logs", withIntermediateDirectories: true)
  let nginxPort = 18_000 + Int(getpid() % 1000)
  write(
    """
    worker_processes auto;
    pid \(prefix)/nginx.pid;
    error_log \(prefix)/logs/error.log;
    events { worker_connections 1024; }
    http {
      access_log off;
      sendfile on;
      include /etc/nginx/mime.types;
      server { listen 127.0.0.1:\(nginxPort); root \(root)/Output; etag on; }
    }

    """, to: prefix + "/nginx.conf")
  let server = Process()
  server.executableURL = URL(fileURLWithPath: nginx)
  server.arguments = ["-p", prefix, "-c", prefix + "/nginx.conf", "-g", "daemon off;"]
  server.standardError = FileHandle.nullDevice
  guard (try? server.run()) != nil else { return }
  defer {
    server.terminate()
    server.waitUntilExit()
  }
  Thread.sleep(forTimeInterval: 0.5)
  let theirs = requestsPerSecond(nginxPort)
  print(
    String(
      format:
        "wrk -t2 -c50 -d%.0fs, one stage page: runbook serve %.0f requests/s, nginx %.0f requests/s: %.2fx nginx",
      wrkSeconds, ours, theirs, theirs > 0 ? ours / theirs : 0))
}

measureServe(seconds: serveSeconds)

// MARK: - runbook serve: from saving a page to the reload event an open page receives

/// Edits one page of the whole "deploy MIM" series (7 pages, 22 stages) while `runbook serve`
/// serves it, and times each edit from the file's write to the `reload` event read on
/// `/_runbook/events` by a client like a browser's: the settling delay and the rebuild included.
@MainActor func measureEdits(rounds: Int) {
  let root = "\(work)/edits"
  for folder in ["Content", "Templates"] {
    try? FileManager.default.copyItem(atPath: "\(project)/\(folder)", toPath: "\(root)/\(folder)")
  }
  try? FileManager.default.copyItem(
    atPath: "\(project)/Tests/Fixtures/corpus/mim-deploy", toPath: "\(root)/corpus")
  guard
    let (process, port) = startServe([
      "--root", root, "--runbook", "Content/mim-deploy.yml", "--source", "\(root)/corpus",
    ]),
    let descriptor = LoopbackClient(port: port).connect()
  else {
    print("runbook serve: the series did not start")
    return
  }
  defer {
    close(descriptor)
    stopServe(process)
  }
  let request = "GET /_runbook/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
  _ = request.withCString { send(descriptor, $0, strlen($0), 0) }
  var wait = timeval(tv_sec: 0, tv_usec: 20_000)
  setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
  var buffer = [UInt8](repeating: 0, count: 65536)
  /// Reads the stream until `event` comes or `seconds` pass; whether it came.
  func read(until event: String, seconds: Double) -> Bool {
    var received = ""
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      let count = recv(descriptor, &buffer, buffer.count, 0)
      if count == 0 { return false }
      if count > 0 {
        received += String(decoding: buffer[0..<count], as: UTF8.self)
        if received.contains(event) { return true }
      }
    }
    return false
  }
  guard read(until: ": connected", seconds: 5) else {
    print("runbook serve: no event stream")
    return
  }
  let page = "\(root)/corpus/install-mim-sync.md"
  let original = (try? String(contentsOfFile: page, encoding: .utf8)) ?? ""
  var times: [Double] = []
  for round in 0..<rounds {
    // Let the watcher and the server go quiet, as between two saves of an editor.
    Thread.sleep(forTimeInterval: 0.3)
    var start = timespec(), end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    write(original + "\nEdited in round \(round).\n", to: page)
    guard read(until: "event: reload", seconds: 10) else {
      print("runbook serve: no reload after an edit")
      failed = true
      return
    }
    clock_gettime(CLOCK_MONOTONIC, &end)
    times.append(Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9)
  }
  times.sort()
  print(
    String(
      format:
        "runbook serve, the 22-stage series: an edit seen by an open page in %.0f ms (median of %d; %.0f to %.0f ms; target 100 ms)",
      times[times.count / 2] * 1000, times.count, times[0] * 1000, times[times.count - 1] * 1000))
}

measureEdits(rounds: editRounds)

// MARK: - runbook pdf: many deployments through one browser, against a run per deployment

if pdfCount > 0, onPath("chromium") != nil {
  let root = "\(work)/pdf"
  makeRunbookFolder(root, count: pdfCount)
  _ = measure(runbook, ["build", "--root", root])
  let together = measure(runbook, ["pdf", "--all", "--root", root])
  failed = failed || together.status != 0
  var apart = 0.0
  var peak = 0
  for index in 0..<pdfCount {
    let one = measure(runbook, ["pdf", "--root", root, "d\(String(format: "%05d", index))"])
    failed = failed || one.status != 0
    apart += one.seconds
    peak = max(peak, one.peakKiB)
  }
  print(
    String(
      format:
        "runbook pdf: %d deployments through one browser %.1f s; one run each %.1f s: %.1fx faster",
      pdfCount, together.seconds, apart, together.seconds > 0 ? apart / together.seconds : 0))
}

if failed {
  FileHandle.standardError.write(
    Data("runbook-bench: a runbook build failed; run it by hand with --keep to see why\n".utf8))
  exit(1)
}
