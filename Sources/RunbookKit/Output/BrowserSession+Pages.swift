import Foundation

/// Driving one page at a time, command by command: what the browser tests use to tick, read
/// and wait as a person would (issue #14's shared record, seen from two browsers).
extension BrowserSession {
  /// A tab: its target and the session its commands go to.
  struct Page {
    var target: String
    var session: String
  }

  /// Sends a command and waits for its answer; events that come meanwhile are kept for
  /// `waitFor`.
  @discardableResult
  func call(_ method: String, _ params: [String: Any] = [:], session: String? = nil)
    throws(Failure) -> [String: Any]
  {
    let id = try send(method, params, session: session)
    while true {
      let message = try receive()
      if message["method"] != nil {
        events.append(message)
        continue
      }
      guard message["id"] as? Int == id else { continue }
      if let error = message["error"] as? [String: Any] {
        throw Failure(description: "\(method): the browser answered \(error["message"] ?? error)")
      }
      return message["result"] as? [String: Any] ?? [:]
    }
  }

  /// Waits for an event of `session` (kept or to come).
  func waitFor(_ method: String, session: String) throws(Failure) {
    if let index = events.firstIndex(where: {
      $0["method"] as? String == method && $0["sessionId"] as? String == session
    }) {
      events.remove(at: index)
      return
    }
    while true {
      let message = try receive()
      if message["method"] as? String == method && message["sessionId"] as? String == session {
        return
      }
      if message["method"] != nil { events.append(message) }
    }
  }

  /// Opens `url` in a new tab and waits until it has loaded.
  func openPage(_ url: URL) throws(Failure) -> Page {
    let target =
      try call("Target.createTarget", ["url": "about:blank"])["targetId"] as? String ?? ""
    let session =
      try call("Target.attachToTarget", ["targetId": target, "flatten": true])["sessionId"]
      as? String ?? ""
    try call("Page.enable", session: session)
    let page = Page(target: target, session: session)
    try load(url, in: page)
    return page
  }

  /// Opens `url` in the tab and waits until it has loaded.
  func load(_ url: URL, in page: Page) throws(Failure) {
    try call("Page.navigate", ["url": url.absoluteString], session: page.session)
    try waitFor("Page.loadEventFired", session: page.session)
  }

  /// The value of a JavaScript expression in the page (promises awaited), as JSON makes it.
  func evaluate(_ expression: String, in page: Page) throws(Failure) -> Any? {
    let result = try call(
      "Runtime.evaluate",
      ["expression": expression, "returnByValue": true, "awaitPromise": true],
      session: page.session)
    if let thrown = result["exceptionDetails"] as? [String: Any] {
      throw Failure(description: "the page threw: \(thrown["text"] ?? thrown)")
    }
    return (result["result"] as? [String: Any])?["value"]
  }
}
