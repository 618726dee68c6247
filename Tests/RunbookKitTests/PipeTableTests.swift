import Testing

@testable import RunbookKit

/// GFM pipe tables, in the shapes the "deploy MIM" series uses.
@Suite struct PipeTableTests {
  @Test func alignmentEscapedPipesInlineMarkdownAndValues() throws {
    let markdown = """
      | Rule | Source | Destination |
      |:-|:-:|-:|
      |Rule 8|"Contoso"|`a\\|b` on **CORPIDM**|
      """
    #expect(
      try stepsHTML(markdown)
        == """
        <div class="table-scroll"><table>
        <thead>
        <tr>
        <th style="text-align: left">Rule</th><th style="text-align: center">Source</th><th style="text-align: right">Destination</th>
        </tr>
        </thead>
        <tbody>
        <tr>
        <td style="text-align: left">Rule 8</td><td style="text-align: center">&quot;\(value("domain", "FABRIKAM"))&quot;</td><td style="text-align: right"><code>a|b</code> on <strong>\(value("mim_server", "IDM01"))</strong></td>
        </tr>
        </tbody>
        </table></div>

        """)
  }

  @Test func tableInsideAListItemWithoutOuterPipes() throws {
    let markdown = """
      1. Set the flows:

          Name | Type
          ---- | ----
          Profile1 | Full Import
          Profile2
      """
    #expect(
      try stepsHTML(markdown)
        == """
        <p>Set the flows:</p>
        <div class="table-scroll"><table>
        <thead>
        <tr>
        <th>Name</th><th>Type</th>
        </tr>
        </thead>
        <tbody>
        <tr>
        <td>Profile1</td><td>Full Import</td>
        </tr>
        <tr>
        <td>Profile2</td><td></td>
        </tr>
        </tbody>
        </table></div>

        """)
  }

  @Test func paragraphsThatAreNotTablesStayParagraphs() throws {
    #expect(try stepsHTML("a | b\nnot a delimiter") == "<p>a | b\nnot a delimiter</p>\n")
    #expect(
      try stepsHTML("Get-SPTimerJob x | disable-SPTimerJob")
        == "<p>Get-SPTimerJob x | disable-SPTimerJob</p>\n")
  }

  @Test func leftoverInACellNamesItsRow() throws {
    let page = try render("## Stage\n\n| A | B |\n|-|-|\n| x | y |\n| Pass@word1x | z |")
    #expect(
      page.diagnostics.map(\.description) == [
        "snippet.md:6: error: the sample password 'Pass@word1' would reach the page in 'Pass@word1x'\n  fix: a password never goes on a page: reword this, or make it a whole word so the secret's reference replaces it"
      ])
  }

  @Test func delimiterRows() {
    #expect(PipeTable.delimiterRow("|-|-|-|") == [.none, .none, .none])
    #expect(PipeTable.delimiterRow("| :--- | :---: | ---: |") == [.left, .center, .right])
    #expect(PipeTable.delimiterRow("---") == nil)
    #expect(PipeTable.delimiterRow("| -x- |") == nil)
    #expect(PipeTable.cells("|a\\|b| c |") == ["a|b", "c"])
  }
}
