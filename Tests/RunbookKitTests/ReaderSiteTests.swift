import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookKit

/// The reader's side of a site (#15): the stage list, the list of steps, commands that need a
/// password, the 404 page; and, in a real browser, copy, keys and every screen width.
@Suite(.serialized) struct ReaderSiteTests {
  /// "title · N steps" of every entry of a list of stages with their progress: the overview's
  /// contents, or a stage page's stage list.
  static func stages(in html: String) throws -> [String] {
    let pattern = try NSRegularExpression(
      pattern:
        "<li value=\"[0-9]+\"><a href=\"[^\"]*\"(?: aria-current=\"page\")?>([^<]*)</a> <span class=\"[^\"]*\" data-stage-progress=\"[^\"]*\">([^<]*)</span>"
    )
    let text = html as NSString
    return pattern.matches(in: html, range: NSRange(location: 0, length: text.length)).map {
      text.substring(with: $0.range(at: 1)) + " · " + text.substring(with: $0.range(at: 2))
    }
  }

  @Test func everyStagePageMarksItselfInAStageListMadeLikeTheOverview() throws {
    let (report, output) = try SiteTests.build()
    defer { try? FileManager.default.removeItem(at: output) }
    #expect(report.built == ["contoso", "fabrikam"])
    let site = output.appendingPathComponent("fabrikam")
    let overview = try String(
      contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
    let contents = try Self.stages(in: overview)
    #expect(
      contents == [
        "Before you begin · 1 step",
        "Configure MIM Service and Portal for installation · 16 steps",
        "Configure MIM Password Registration Portal · 4 steps",
        "Configure MIM Password Reset Portal · 4 steps",
        "Install MIM Service and Portal · 1 step",
        "Post-installation tasks · 4 steps",
      ])
    let folder = "install-mim-service-portal"
    let slugs = [
      "before-you-begin", "configure-mim-service-and-portal-for-installation",
      "configure-mim-password-registration-portal", "configure-mim-password-reset-portal",
      "install-mim-service-and-portal", "post-installation-tasks",
    ]
    for slug in slugs {
      let html = try String(
        contentsOf: site.appendingPathComponent("\(folder)/\(slug).html"), encoding: .utf8)
      // The same stages, titles and counts as the overview, in the same order.
      #expect(try Self.stages(in: html) == contents, "\(slug)")
      // Exactly one current stage: this one.
      #expect(html.components(separatedBy: "aria-current=\"page\"").count == 2, "\(slug)")
      #expect(html.contains("<a href=\"../\(folder)/\(slug).html\" aria-current=\"page\">"))
      // The list of steps: one entry a step, linking to it.
      let steps = html.components(separatedBy: "<li class=\"step\" id=\"step-").count - 1
      let entries = html.components(separatedBy: "<li><a href=\"#step-").count - 1
      #expect(entries == steps, "\(slug)")
    }
    let stage2 = try String(
      contentsOf: site.appendingPathComponent("\(folder)/\(slugs[1]).html"), encoding: .utf8)
    #expect(
      stage2.contains(
        """
        <li><a href="#step-12"><span class="step-list-number">12</span> <span class="step-list-text">Specify <span class="value" data-key="mim_server" title="mim_server">IDM01</span> (this computer's name) as MIM Service server address for the MIM…</span></a></li>
        """))
    // Tick boxes are named by their step.
    #expect(
      stage2.contains(
        """
        data-step="install-mim-service-portal/configure-mim-service-and-portal-for-installation/2"> Verify<span class="visually-hidden"> step 2: In the welcome screen, click Next.</span></label>
        """))
  }

  @Test func aStepsSummaryKeepsItsValuesAndStopsAtAWord() {
    let value = "<span class=\"value\" data-key=\"mim_server\" title=\"mim_server\">IDM01</span>"
    #expect(
      StepSummary.html(of: "<p>Run <code>setup.exe</code> on \(value).</p>\n<pre>x</pre>")
        == "Run setup.exe on \(value).")
    // Cut at the first space past the limit, never inside a value; entities count as one.
    #expect(
      StepSummary.html(of: "<p>Open &quot;Tools&quot; on \(value) and then go on</p>", limit: 20)
        == "Open &quot;Tools&quot; on \(value)…")
    // A step starting with code has no words to show.
    #expect(StepSummary.html(of: "<pre><code>Get-Service</code></pre>") == "")
    #expect(StepSummary.html(of: "Sign in.\n<ul><li>x</li></ul>") == "Sign in.")
    // A step opening with a list of points: its first point.
    #expect(
      StepSummary.html(of: "<ul>\n<li>Read <a href=\"x\">the guide</a>.</li>\n<li>y</li></ul>")
        == "Read the guide.")
    // A value counts as ten characters whatever it holds: the cut is the same for every deployment.
    let long =
      "<span class=\"value\" data-key=\"k\" title=\"k\">\(String(repeating: "x", count: 90))</span>"
    #expect(
      StepSummary.html(of: "<p>Set \(long) now and later</p>", limit: 15) == "Set \(long) now…")
  }

  @Test func aCommandHoldingASecretSaysInWordsThatItNeedsThePassword() throws {
    let html = try stepsHTML(
      """
      ## Stage

      1. Set it:

         ```powershell
         $sp = ConvertTo-SecureString "Pass@word1" -asplaintext -force
         New-ADUser -SamAccountName MIMService
         ```

      2. List it:

         ```powershell
         Get-ADUser MIMService
         ```
      """)
    let reference = secret("service_password", "vault://kv/mim/svc-mimservice")
    #expect(
      html.contains(
        """
        <p class="secret-needed">This command needs the password kept at \(reference): it shows the reference, marked; put the password in its place (the Copy button asks for it).</p>
        <pre><code class="language-powershell">$sp = ConvertTo-SecureString &quot;\(reference)&quot; -asplaintext -force
        """))
    // Only the command holding the secret says so.
    #expect(html.components(separatedBy: "secret-needed").count == 2)
  }

  @Test func theOutputHasA404PageAndServeAnswersWithIt() throws {
    let (_, output) = try SiteTests.build()
    defer { try? FileManager.default.removeItem(at: output) }
    let page = try Data(contentsOf: output.appendingPathComponent("404.html"))
    let html = String(decoding: page, as: UTF8.self)
    #expect(html.contains("<h1>Page not found</h1>"))
    #expect(html.contains("<link rel=\"stylesheet\" href=\"/assets/runbook.css\">"))
    #expect(html.contains("<a class=\"button\" href=\"/index.html\">All runbooks</a>"))
    let server = SiteServer(files: ["404.html": page], liveReload: false)
    let response = server.respond(method: "GET", target: "/fabrikam/moved.html")
    #expect(response.status == 404)
    #expect(response.body == page)
    // A failed build's errors still show on the server's own page.
    let failed = SiteServer(
      files: ["404.html": page],
      errors: [.error(at: SourceLocation(path: "Content/runbook.yml"), "broken")],
      liveReload: false)
    #expect(
      String(decoding: failed.respond(method: "GET", target: "/x.html").body, as: UTF8.self)
        .contains("The last build failed"))
  }
}
