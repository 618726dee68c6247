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
        data-step="install-mim-service-portal/configure-mim-service-and-portal-for-installation/2" data-source="4610f428daed2d63"> Verify<span class="visually-hidden"> step 2: In the welcome screen, click Next.</span></label>
        """))
  }

  /// Without JavaScript, no control that needs it shows: every button of a page is `hidden`
  /// (the script shows it) or closes the key sheet, which only the script opens; the CSS makes
  /// `hidden` win over `.button`; one line says ticks need JavaScript.
  @Test func withoutJavaScriptOnlyWorkingControlsShow() throws {
    let (_, output) = try SiteTests.build()
    defer { try? FileManager.default.removeItem(at: output) }
    let site = output.appendingPathComponent("fabrikam")
    for page in SiteTests.files(in: site) where page.hasSuffix(".html") && page != "print.html" {
      let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
      let outsideSheet = html.replacingOccurrences(
        of: "<dialog[\\s\\S]*?</dialog>", with: "", options: .regularExpression)
      let buttons = outsideSheet.components(separatedBy: "<button").dropFirst().map {
        String($0.prefix { $0 != ">" })
      }
      for button in buttons { #expect(button.contains(" hidden"), "\(page): <button\(button)>") }
      #expect(
        html.contains(
          "<noscript><p class=\"no-script\">Ticks are kept by the browser and need JavaScript: without it a tick lasts until the page reloads.</p></noscript>"
        ))
    }
    let css = try String(
      contentsOf: repositoryRoot.appendingPathComponent("Templates/assets/runbook.css"),
      encoding: .utf8)
    #expect(css.contains("[hidden] { display: none !important; }"))
  }

  /// `runbook pdf` reads where each part starts from a first printing, page by page.
  @Test func thePDFsPartsStartWhereTheirHeadingsFirstShow() {
    let pages = [
      "Runbook", "Contents\nSet up\nValues sheet · Sign-off", "STAGE 1 OF 2 · PAGE\nStep 1",
      "Step 2\nSTAGE 1 OF 2 · PAGE", "  STAGE 2 OF 2 · PAGE", "Values sheet\nName",
      "Sign-off\nRole",
    ]
    #expect(
      PDFPrinter.startPages(inPages: pages) == [
        "stage-1": 3, "stage-2": 5, "values": 6, "sign-off": 7,
      ])
    #expect(
      PDFPrinter.numbering(
        "<li><span class=\"toc-page\" data-part=\"stage-2\"></span></li>", ["stage-2": 5])
        == "<li><span class=\"toc-page\" data-part=\"stage-2\">5</span></li>")
  }

  /// print.html stands above the pages' folders: their own images are taken from there.
  @Test func thePrintPageTakesEachPagesImagesFromItsFolder() {
    #expect(
      SiteRenderer.imagesFrom(
        "install page",
        "<p><img src=\"media/a.png\" alt=\"A\" /> <img src=\"https://x.test/b.png\" /> <img src=\"/c.png\" /></p>"
      )
        == "<p><img src=\"install%20page/media/a.png\" alt=\"A\" /> <img src=\"https://x.test/b.png\" /> <img src=\"/c.png\" /></p>"
    )
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

/// Contrast of the site's colours (#18), computed from `runbook.css` as WCAG 2 defines it: text
/// at least 4.5:1 and marks (underlines, badges, tick boxes, outlines) at least 3:1, in the light
/// scheme and in the dark one.
@Suite struct ContrastTests {
  /// The custom properties of the first `:root { }` after `marker` (or of the first one).
  static func colours(_ css: String, after marker: String? = nil) throws -> [String: String] {
    let start = try marker.map { try #require(css.range(of: $0)).upperBound } ?? css.startIndex
    let root = try #require(css.range(of: ":root {", range: start..<css.endIndex))
    let end = try #require(css.range(of: "}", range: root.upperBound..<css.endIndex))
    let block = String(css[root.upperBound..<end.lowerBound])
    let pattern = try NSRegularExpression(pattern: "--([a-z-]+):\\s*(#[0-9a-fA-F]{6})")
    let text = block as NSString
    var result: [String: String] = [:]
    for match in pattern.matches(in: block, range: NSRange(location: 0, length: text.length)) {
      result[text.substring(with: match.range(at: 1))] = text.substring(with: match.range(at: 2))
    }
    return result
  }

  static func luminance(_ hex: String) -> Double {
    let value = Int(hex.dropFirst(), radix: 16) ?? 0
    let channels = [(value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF].map { channel in
      let c = Double(channel) / 255
      return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
    }
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
  }

  static func ratio(_ a: String, _ b: String) -> Double {
    let (x, y) = (luminance(a), luminance(b))
    return (max(x, y) + 0.05) / (min(x, y) + 0.05)
  }

  /// Text on its background: body text, links, step numbers, alert titles, badges, progress.
  static let text = [
    ("text", "background"), ("muted", "background"), ("muted", "surface"),
    ("accent", "background"), ("accent", "surface"), ("on-accent", "accent"), ("on-accent", "tip"),
    ("text", "value-bg"), ("text", "secret-bg"), ("secret-border", "secret-bg"),
    ("note", "note-bg"), ("tip", "tip-bg"), ("important", "important-bg"),
    ("caution", "caution-bg"), ("warning", "warning-bg"), ("tip", "background"),
    ("muted", "tip-bg"),
    // Links inside an alert (#18: axe found them at 4.23:1 on a dark Note).
    ("accent", "note-bg"), ("accent", "tip-bg"), ("accent", "important-bg"),
    ("accent", "caution-bg"), ("accent", "warning-bg"),
  ]
  /// Marks: a value's underline, the secret badge's border, tick boxes and verified numbers,
  /// focus outlines, the bar beside a linked-to step.
  static let marks = [
    ("value-border", "background"), ("value-border", "value-bg"), ("secret-border", "background"),
    ("secret-border", "secret-bg"), ("tip", "background"), ("accent", "background"),
  ]

  @Test func textAndMarksAreReadableInBothSchemes() throws {
    let css = try String(
      contentsOf: repositoryRoot.appendingPathComponent("Templates/assets/runbook.css"),
      encoding: .utf8)
    let light = try Self.colours(css)
    let dark = light.merging(
      try Self.colours(css, after: "prefers-color-scheme: dark"), uniquingKeysWith: { $1 })
    var failures: [String] = []
    for (scheme, colours) in [("light", light), ("dark", dark)] {
      for (pairs, minimum) in [(Self.text, 4.5), (Self.marks, 3.0)] {
        for (foreground, background) in pairs {
          let a = try #require(colours[foreground], "--\(foreground)")
          let b = try #require(colours[background], "--\(background)")
          let ratio = Self.ratio(a, b)
          if ratio < minimum {
            failures.append(
              "\(scheme): --\(foreground) on --\(background) is \(String(format: "%.2f", ratio)):1")
          }
        }
      }
    }
    #expect(failures == [])
    // The step numbers and buttons use --on-accent, never a fixed white.
    #expect(!css.contains("color: #fff; font-weight: 700"))
  }
}
