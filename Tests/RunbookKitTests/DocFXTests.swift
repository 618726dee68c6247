import Testing

@testable import RunbookKit

/// DocFX's additions to markdown, in the spellings the real docs use.
@Suite struct DocFXTests {
  func alert(_ kind: String, _ body: String) -> String {
    "<div class=\"alert \(kind.lowercased())\" role=\"note\">\n<p class=\"alert-title\">\(kind)</p>\n\(body)</div>\n"
  }

  @Test(arguments: ["NOTE", "TIP", "IMPORTANT", "CAUTION", "WARNING"])
  func everyAlertKind(kind: String) throws {
    let title = kind.prefix(1) + kind.dropFirst().lowercased()
    #expect(
      try stepsHTML("> [!\(kind)]\n> Back up the database.")
        == alert(String(title), "<p>Back up the database.</p>\n"))
  }

  @Test(arguments: ["> [!NOTE]", ">[!NOTE]", "> [!Note]", ">[!note]  ", "> [!NOTE] "])
  func alertSpellings(marker: String) throws {
    #expect(try stepsHTML("\(marker)\n> Text.") == alert("Note", "<p>Text.</p>\n"))
  }

  @Test func alertInsideAListItem() throws {
    let markdown = """
      ## Stage

      1. Run the installer.
          >[!NOTE]
          >MIM 2016 SP2 and later: check **Use different user**.
      """
    #expect(
      try stepsHTML(markdown)
        == "<p>Run the installer.</p>\n"
        + alert(
          "Note", "<p>MIM 2016 SP2 and later: check <strong>Use different user</strong>.</p>\n"))
  }

  @Test func plainBlockQuoteStaysOne() throws {
    #expect(
      try stepsHTML("> Just a quote.") == "<blockquote>\n<p>Just a quote.</p>\n</blockquote>\n")
  }

  @Test func stepByStepBlockBecomesNavigation() throws {
    let markdown = """
      # Page

      > [!div class="step-by-step"]
      > [« MIM Synchronization Service](install-mim-sync.md)
      > [Synchronize databases »](install-mim-sync-ad-service.md)

      Text.

      > [!div class="step-by-step"]  
      > [« MIM Synchronization Service](install-mim-sync.md)
      > [Synchronize databases »](install-mim-sync-ad-service.md)
      """
    let page = try PageSource(name: "p", path: "p.md", directory: fixtures, text: markdown)
    let outline = PageRenderer(page: page, matcher: SampleMatcher(samples: [])).outline()
    #expect(
      outline.navigation == [
        NavigationLink(
          direction: .previous, title: "MIM Synchronization Service", target: "install-mim-sync.md",
          line: 4),
        NavigationLink(
          direction: .next, title: "Synchronize databases",
          target: "install-mim-sync-ad-service.md", line: 5),
      ])
    #expect(try stepsHTML(markdown) == "<p>Text.</p>\n")
  }

  @Test func nestedStepByStepLinks() throws {
    // install-mim-sync.md nests its first link in `> >`, the next line continuing it lazily.
    let markdown = """
      > [!div class="step-by-step"]
      > > [« SharePoint](prepare-server-sharepoint.md)
      > [MIM Service and Portal »](install-mim-service-portal.md)

      Text.
      """
    let page = try PageSource(name: "p", path: "p.md", directory: fixtures, text: markdown)
    let outline = PageRenderer(page: page, matcher: SampleMatcher(samples: [])).outline()
    #expect(outline.navigation.map(\.direction) == [.previous, .next])
    #expect(
      outline.navigation.map(\.target) == [
        "prepare-server-sharepoint.md", "install-mim-service-portal.md",
      ])
    #expect(try stepsHTML(markdown) == "<p>Text.</p>\n")
  }

  @Test func stepByStepSharingAQuoteWithANote() throws {
    // install-mim-sync-ad-service.md: the nav block and a NOTE in one quote.
    let markdown = """
      > [!div class="step-by-step"]
      > [« MIM Service and Portal](install-mim-service-portal.md)
      >
      > [!NOTE]
      > Back up first.
      """
    #expect(try stepsHTML(markdown) == alert("Note", "<p>Back up first.</p>\n"))
  }

  @Test func sampleNamesNoteBecomesTheValuesTable() throws {
    let markdown = """
      > [!NOTE]
      > This walkthrough uses sample names and values from a company called Contoso. Replace these with your own. For example:
      > - Domain name - **contoso**

      Run on CORPIDM.
      """
    #expect(
      try stepsHTML(markdown)
        == """
        <details class="values-used" open>
        <summary class="values-used-title">This deployment's values on this page (1)</summary>
        <table>
        <thead><tr><th>What</th><th>Name</th><th>Value</th></tr></thead>
        <tbody>
        <tr><td>Computer name of the server that runs MIM Service and Portal</td><td><code>mim_server</code></td><td>\(value("mim_server", "IDM01"))</td></tr>
        </tbody>
        </table>
        </details>
        <p>Run on \(value("mim_server", "IDM01")).</p>

        """)
  }

  @Test func otherDivBlocksKeepTheirClass() throws {
    #expect(
      try stepsHTML("> [!div class=\"mx-imgBorder\"]\n> Framed.")
        == "<div class=\"mx-imgBorder\">\n<p>Framed.</p>\n</div>\n")
  }

  @Test func allowedInlineHTML() throws {
    #expect(
      try stepsHTML("<strong>bold</strong> <em>it</em> a<br>b</br>c <sup>1</sup> <kbd>Ctrl</kbd>")
        == "<p><strong>bold</strong> <em>it</em> a<br>b<br>c <sup>1</sup> <kbd>Ctrl</kbd></p>\n")
  }

  @Test func anchorsKeepTheirName() throws {
    #expect(
      try stepsHTML("<a name='configure-sspr'></a>\n\nText <a name=\"x\"></a>")
        == "<p><a id=\"configure-sspr\"></a></p>\n<p>Text <a id=\"x\"></a></p>\n")
  }

  // Regression test for #12: lists, line breaks and markdown in table cells showed as text.
  @Test func htmlListsAndMarkdownInTableCellsRender() throws {
    #expect(
      try stepsHTML(
        """
        | Error | What |
        |-|-|
        | invalid&#8209;dn | Includes:<br/><ul><li>One <b>bad</b> on CORPIDM.</li><li>Two.</li></ul> |
        | steps | 1. **Select:** the box<br/>then OK |
        """)
          == """
          <div class="table-scroll"><table>
          <thead>
          <tr>
          <th>Error</th><th>What</th>
          </tr>
          </thead>
          <tbody>
          <tr>
          <td>invalid‑dn</td><td>Includes:<br><ul><li>One <b>bad</b> on \(value("mim_server", "IDM01")).</li><li>Two.</li></ul></td>
          </tr>
          <tr>
          <td>steps</td>
          <td>
          <ol>
          <li><strong>Select:</strong> the box<br>then OK</li>
          </ol>
          </td>
          </tr>
          </tbody>
          </table></div>

          """)
  }

  // Regression test for #12: `<h2 id>` and `<a href="#">` showed escaped.
  @Test func htmlHeadingsWithIdsAndInPageLinksRenderAndAreChecked() throws {
    let page = try render(
      """
      ## Stage

      <h3 id="ps-script">PowerShell <em>script</em></h3>

      Copy the <a href="#ps-script">script</a>, not <a href="#ps-scrip">this</a>.
      """, links: true)
    #expect(
      page.stages[0].steps[0].html
        == """
        <p><a id="ps-script"></a></p>
        <h2 id="powershell-script">PowerShell <em>script</em></h2>
        <p>Copy the <a href="#ps-script">script</a>, not <a href="#ps-scrip">this</a>.</p>

        """)
    #expect(
      page.diagnostics.map(\.description) == [
        "snippet.md:5: error: link to '#ps-scrip', which no heading or anchor of snippet.md has\n  fix: did you mean '#ps-script'?"
      ])
  }

  // From review: a closing list tag left an item open as text; a second HTML heading was lost.
  @Test func aClosingListEndsItsItemsAndHeadingsFollowEachOther() throws {
    #expect(
      try stepsHTML("<ul><li>One</li><li>Two</ul>")
        == "<p><ul><li>One</li><li>Two</li></ul></p>\n")
    #expect(
      try stepsHTML("<h3 id=\"a\">First</h3>\n<h3 id=\"b\">Second</h3>")
        == "<p><a id=\"a\"></a></p>\n<h2 id=\"first\">First</h2>\n<p><a id=\"b\"></a></p>\n<h2 id=\"second\">Second</h2>\n"
    )
  }

  @Test func linksInHTMLTakeOnlyAnchorsAndWebAddresses() throws {
    #expect(
      try stepsHTML("<a href=\"https://x.example/\">web</a> <a href=\"javascript:alert(1)\">js</a>")
        == "<p><a href=\"https://x.example/\">web</a> &lt;a href=&quot;javascript:alert(1)&quot;&gt;js&lt;/a&gt;</p>\n"
    )
  }

  @Test func otherHTMLIsShownEscapedNeverPassedThrough() throws {
    #expect(
      try stepsHTML("Click <script>alert(1)</script> <b onclick=\"x\">here</b> <strong>open")
        == "<p>Click &lt;script&gt;alert(1)&lt;/script&gt; &lt;b onclick=&quot;x&quot;&gt;here&lt;/b&gt; &lt;strong&gt;open</p>\n"
    )
    #expect(
      try stepsHTML("<div class=\"x\">\nblock\n</div>")
        == "<p>&lt;div class=&quot;x&quot;&gt;\nblock\n&lt;/div&gt;</p>\n")
    #expect(try stepsHTML("<!-- a comment -->\n\nText <!-- inline -->") == "<p>Text </p>\n")
  }

  @Test func imageExtensionBecomesAnImageWithSubstitutedAltText() throws {
    #expect(
      try stepsHTML(
        ":::image type=\"content\" source=\"media/sync.png\" alt-text=\"Sync on CORPIDM\":::")
        == "<p><img src=\"media/sync.png\" alt=\"Sync on IDM01\" /></p>\n")
    #expect(
      try stepsHTML(
        ":::image type=\"complex\" source=\"media/flow.png\" alt-text=\"Flow\":::\nThe long description.\n:::image-end:::"
      ) == "<p><img src=\"media/flow.png\" alt=\"Flow\" title=\"The long description.\" /></p>\n")
    #expect(
      Directive.attributes("type=\"content\" source=\"a b.png\" border=\"false\"") == [
        "type": "content", "source": "a b.png", "border": "false",
      ])
  }

  @Test func deeperHeadingsGetAnchors() throws {
    #expect(
      try stepsHTML("### Set up SQL: 2016") == "<h2 id=\"set-up-sql-2016\">Set up SQL: 2016</h2>\n")
  }
}
