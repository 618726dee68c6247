import Foundation

/// One headless Chromium driven over its DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// commands go in on its descriptor 3, answers come out on its descriptor 4, each a JSON message
/// ended by a NUL), so that many pages print through one browser, several at a time, with no
/// networking at all.
final class BrowserSession {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  private let pid: pid_t
  private let commands: Int32
  private let answers: Int32
  private var nextID = 1
  private var pending = Data()
  /// Events received while `call` waited for an answer (BrowserSession+Pages).
  var events: [[String: Any]] = []
  let profile: URL

  /// Starts the browser, its profile in a new folder of `temporary` that goes with the session.
  init(browser: URL, temporary: URL = FileManager.default.temporaryDirectory) throws(Failure) {
    profile = temporary.appendingPathComponent("runbook-chromium-\(UUID().uuidString)")
    // A browser that dies makes writes to its pipe fail with EPIPE, not end this process.
    signal(SIGPIPE, SIG_IGN)
    var toBrowser: [Int32] = [0, 0]
    var fromBrowser: [Int32] = [0, 0]
    guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else {
      throw Failure(description: "cannot make a pipe: \(String(cString: strerror(errno)))")
    }
    var arguments = [
      browser.path, "--headless", "--disable-gpu", "--remote-debugging-pipe",
      "--no-first-run", "--no-default-browser-check", "--user-data-dir=\(profile.path)",
      "about:blank",
    ]
    // Chromium's sandbox refuses to run as root.
    if geteuid() == 0 { arguments.insert("--no-sandbox", at: 1) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, toBrowser[0], 3)
    posix_spawn_file_actions_adddup2(&actions, fromBrowser[1], 4)
    let null = open("/dev/null", O_RDWR)
    defer { close(null) }
    posix_spawn_file_actions_adddup2(&actions, null, 1)
    posix_spawn_file_actions_adddup2(&actions, null, 2)
    var pid: pid_t = 0
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let status = posix_spawn(&pid, browser.path, &actions, nil, argv, environ)
    close(toBrowser[0])
    close(fromBrowser[1])
    guard status == 0 else {
      close(toBrowser[1])
      close(fromBrowser[0])
      throw Failure(
        description: "cannot start \(browser.path): \(String(cString: strerror(status)))")
    }
    self.pid = pid
    commands = toBrowser[1]
    answers = fromBrowser[0]
    _ = fcntl(commands, F_SETFD, FD_CLOEXEC)
    _ = fcntl(answers, F_SETFD, FD_CLOEXEC)
  }

  deinit {
    close(commands)
    close(answers)
    kill(pid, SIGTERM)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    // The folder of its singleton socket (org.chromium.Chromium.* in the temporary folder,
    // named by a link in the profile), which it leaves behind when stopped.
    // Only that: a socket in a folder of this user's, so named, in the temporary folder; the
    // socket and its cookie (a link) are unlinked, and the folder removed if nothing else is in
    // it.
    let socket = profile.appendingPathComponent("SingletonSocket").path
    if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: socket) {
      let folder = (target as NSString).deletingLastPathComponent
      let temporary =
        ProcessInfo.processInfo.environment["TMPDIR"].flatMap {
          $0.isEmpty ? nil : ($0 as NSString).standardizingPath
        } ?? "/tmp"
      var info = stat()
      if (target as NSString).lastPathComponent == "SingletonSocket",
        (folder as NSString).lastPathComponent.hasPrefix("org.chromium.Chromium."),
        (folder as NSString).deletingLastPathComponent == temporary,
        lstat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == geteuid()
      {
        for name in ["SingletonSocket", "SingletonCookie"] { unlink(folder + "/" + name) }
        rmdir(folder)
      }
    }
    // Its renderers outlive it by a moment and may still write in the profile: a removal
    // that met a file made meanwhile is tried again, for a second at most.
    for _ in 0..<50 {
      try? FileManager.default.removeItem(at: profile)
      if access(profile.path, F_OK) != 0 { break }
      usleep(20_000)
    }
  }

  /// Sends a command; returns its id.
  @discardableResult
  func send(_ method: String, _ params: [String: Any] = [:], session: String? = nil) throws(Failure)
    -> Int
  {
    let id = nextID
    nextID += 1
    var message: [String: Any] = ["id": id, "method": method, "params": params]
    if let session { message["sessionId"] = session }
    guard var data = try? JSONSerialization.data(withJSONObject: message) else {
      throw Failure(description: "cannot encode \(method)")
    }
    data.append(0)
    let failed = data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int32? in
      var offset = 0
      while offset < buffer.count {
        // swift-format-ignore: NeverForceUnwrap
        // (a non-empty buffer always has a base address)
        let written = write(commands, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return errno
        }
        offset += written
      }
      return nil
    }
    if let failed {
      throw Failure(
        description: "the browser stopped reading: \(String(cString: strerror(failed)))")
    }
    return id
  }

  /// The next message from the browser: an answer (`id`) or an event (`method`).
  func receive() throws(Failure) -> [String: Any] {
    while true {
      if let end = pending.firstIndex(of: 0) {
        let message = pending[pending.startIndex..<end]
        pending = Data(pending[pending.index(after: end)...])
        guard let object = try? JSONSerialization.jsonObject(with: message) as? [String: Any]
        else { continue }
        return object
      }
      var chunk = [UInt8](repeating: 0, count: 1 << 16)
      let count = read(answers, &chunk, chunk.count)
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { throw Failure(description: "the browser closed its pipe") }
      pending.append(contentsOf: chunk[..<count])
    }
  }

  /// Tabs kept open between jobs and between calls of `print`: a page loaded into a tab that
  /// printed before reuses what it decoded there (fonts, the images every site shares), which
  /// made a print about a fifth faster than in a new tab.
  private var printTabs: [Page] = []

  /// Prints every page to its PDF, up to `parallel` tabs at a time. Each PDF is written beside
  /// its place and renamed over it, so a half-written one never stands there; `printed` is told
  /// the job's index as soon as its PDF is in place, while the others still print.
  ///
  /// Page size and margins come from the page's CSS `@page`; there is no header or footer, and
  /// the headings become bookmarks.
  func print(
    _ jobs: [(page: URL, pdf: URL)], parallel: Int, printed: (Int) -> Void = { _ in }
  ) throws(Failure) {
    enum Step { case creating, attaching, loading, printing }
    struct Tab {
      var job: Int
      var step: Step
      var page = Page(target: "", session: "")
    }
    var queue = Array(jobs.indices.reversed())
    var tabs: [Int: Tab] = [:]  // by the id of the command each waits for
    var loading: [String: Tab] = [:]  // loading tabs by session, for their load event
    var done = 0
    func navigate(_ tab: Tab) throws(Failure) {
      var tab = tab
      tab.step = .loading
      // Its answer is read too: a page that cannot load says so there, with no load event.
      tabs[
        try send(
          "Page.navigate", ["url": jobs[tab.job].page.absoluteString], session: tab.page.session)
      ] = tab
      loading[tab.page.session] = tab
    }
    /// Gives `page` the next job, or keeps it for the next call when there is none.
    func next(_ page: Page) throws(Failure) {
      guard let job = queue.popLast() else {
        printTabs.append(page)
        return
      }
      try navigate(Tab(job: job, step: .loading, page: page))
    }
    // One job for each tab that opens, a kept one or a new one.
    for _ in 0..<min(max(1, parallel), jobs.count) {
      if let page = printTabs.popLast() {
        try next(page)
      } else if let job = queue.popLast() {
        tabs[try send("Target.createTarget", ["url": "about:blank"])] = Tab(
          job: job, step: .creating)
      }
    }
    while done < jobs.count {
      let message = try receive()
      if let method = message["method"] as? String {
        guard method == "Page.loadEventFired", let session = message["sessionId"] as? String,
          var tab = loading.removeValue(forKey: session)
        else { continue }
        tab.step = .printing
        let id = try send(
          "Page.printToPDF",
          [
            "printBackground": true, "preferCSSPageSize": true, "displayHeaderFooter": false,
            "generateDocumentOutline": true, "transferMode": "ReturnAsBase64",
          ], session: tab.page.session)
        tabs[id] = tab
        continue
      }
      guard let id = message["id"] as? Int, var tab = tabs.removeValue(forKey: id) else { continue }
      if let error = message["error"] as? [String: Any] {
        throw Failure(
          description:
            "\(jobs[tab.job].page.lastPathComponent): the browser answered \(error["message"] ?? error)"
        )
      }
      let result = message["result"] as? [String: Any] ?? [:]
      switch tab.step {
      case .creating:
        tab.page.target = result["targetId"] as? String ?? ""
        tab.step = .attaching
        tabs[try send("Target.attachToTarget", ["targetId": tab.page.target, "flatten": true])] =
          tab
      case .attaching:
        tab.page.session = result["sessionId"] as? String ?? ""
        try send("Page.enable", session: tab.page.session)
        try navigate(tab)
      case .printing:
        let pdf = jobs[tab.job].pdf
        guard let base64 = result["data"] as? String, let data = Data(base64Encoded: base64),
          !data.isEmpty
        else {
          throw Failure(description: "\(pdf.lastPathComponent): the browser made no PDF")
        }
        let temporary = pdf.deletingLastPathComponent().appendingPathComponent(
          ".\(pdf.lastPathComponent).new-\(getpid())")
        do {
          try OutputWriter.writeFile(temporary.path, data)
          try OutputWriter.rename(temporary.path, pdf.path)
        } catch {
          unlink(temporary.path)
          throw Failure(description: "cannot write \(pdf.path): \(ErrorReason.of(error))")
        }
        done += 1
        printed(tab.job)
        try next(tab.page)
      case .loading:
        if let reason = result["errorText"] as? String, !reason.isEmpty {
          throw Failure(
            description:
              "\(jobs[tab.job].page.lastPathComponent): the browser could not load it: \(reason)"
          )
        }
      }
    }
  }
}
