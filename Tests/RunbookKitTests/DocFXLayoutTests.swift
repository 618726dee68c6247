import Foundation
import Testing

@testable import RunbookKit

/// DocFX's tabs, zone pivots, code includes, rows and columns, written to DocFX's documented
/// syntax (the corpus pages use none of them).
@Suite struct DocFXLayoutTests {
  static let tabs = """
    ## Configure

    # [PowerShell](#tab/powershell)

    Run `Set-ADUser -Server CORPIDM`.

    # [Azure CLI](#tab/azure-cli)

    ```azurecli
    az login --server CORPIDM
    ```

    ---

    1. Check the server.
    """

  static let shell = ChoiceSpec(
    key: "shell", description: "Command line", kind: .tabs, page: "",
    options: [
      .init(id: "powershell", start: "PowerShell"), .init(id: "azure-cli", start: "Azure CLI"),
    ])

  static let platform = ChoiceSpec(
    key: "platform", description: "Where it runs", kind: .zonePivots, page: "",
    options: [.init(id: "windows", start: "Windows"), .init(id: "linux", start: "Linux")])

  static let server = value("mim_server", "IDM01")

  @Test func aTabGroupRendersAsTabsThatWorkWithoutAScript() throws {
    #expect(
      try stepsHTML(Self.tabs) == """
        <div class="tabs">
        <input type="radio" class="tab-radio" name="tabs-1" id="tabs-1-1" checked><label for="tabs-1-1">PowerShell</label><input type="radio" class="tab-radio" name="tabs-1" id="tabs-1-2"><label for="tabs-1-2">Azure CLI</label>
        <section class="tab-panel" data-tab="powershell" aria-label="PowerShell">
        <p class="tab-title">PowerShell</p>
        <p>Run <code>Set-ADUser -Server \(Self.server)</code>.</p>
        </section>
        <section class="tab-panel" data-tab="azure-cli" aria-label="Azure CLI">
        <p class="tab-title">Azure CLI</p>
        <pre><code class="language-azurecli">az login --server \(Self.server)
        </code></pre>
        </section>
        </div>
        <p>Check the server.</p>

        """)
  }

  @Test func aDeploymentThatChoosesATabSeesOnlyThatTab() throws {
    let html = try stepsHTML(
      Self.tabs, choices: [Self.shell], selection: ["shell": "azure-cli"])
    #expect(
      html == """
        <pre><code class="language-azurecli">az login --server \(Self.server)
        </code></pre>
        <p>Check the server.</p>

        """)
    // A choice the runbook has but the deployment does not make shows the tabs.
    #expect(try stepsHTML(Self.tabs, choices: [Self.shell]) == stepsHTML(Self.tabs))
  }

  @Test func aChosenTabsStepsAreTheStagesSteps() throws {
    let markdown = """
      ## Install

      ### [Windows](#tab/windows/powershell)

      1. Open PowerShell on CORPIDM.
      2. Run the installer.

      ### [Linux](#tab/linux)

      1. Open a terminal.

      ### Afterwards

      Restart.
      """
    let page = try render(
      markdown,
      choices: [
        ChoiceSpec(
          key: "os", description: "OS", kind: .tabs, page: "",
          options: [.init(id: "windows", start: "Windows"), .init(id: "linux", start: "Linux")])
      ], selection: ["os": "windows"])
    #expect(page.stages.map { $0.steps.map(\.number.description) } == [["1", "2"]])
    #expect(page.stages[0].steps[0].html == "<p>Open PowerShell on \(Self.server).</p>\n")
    #expect(page.stages[0].outroHTML == "<h2 id=\"afterwards\">Afterwards</h2>\n<p>Restart.</p>\n")
    #expect(page.diagnostics.isEmpty, "\(page.diagnostics)")
  }

  static let zones = """
    ## Install

    ::: zone pivot="windows"

    Install on CORPIDM.

    ::: zone-end

    ::: zone pivot="linux"
    Install on the Linux host.
    ::: zone-end

    ::: zone target="chromeless"

    Only in an embedded view.

    ::: zone-end

    ::: zone target="docs"

    Everywhere.

    ::: zone-end
    """

  @Test func zonesWithoutAChoiceAreEachShownUnderTheirPivotsName() throws {
    #expect(
      try stepsHTML(Self.zones) == """
        <p class="option-label">Zone pivot: windows</p>
        <p>Install on \(Self.server).</p>
        <p class="option-label">Zone pivot: linux</p>
        <p>Install on the Linux host.</p>
        <p>Everywhere.</p>

        """)
    #expect(
      try stepsHTML(Self.zones, choices: [Self.platform]).hasPrefix(
        "<p class=\"option-label\">Windows · Where it runs</p>\n"))
  }

  @Test func aDeploymentThatChoosesAPivotSeesOnlyItsZones() throws {
    #expect(
      try stepsHTML(Self.zones, choices: [Self.platform], selection: ["platform": "linux"])
        == "<p>Install on the Linux host.</p>\n<p>Everywhere.</p>\n")
  }

  @Test func aZoneWithoutItsEndOrAnEndWithoutAZoneIsAnErrorAtItsLine() throws {
    let page = try render(
      "## A\n\n::: zone pivot=\"windows\"\n\nText.\n\n::: zone-end\n\n::: zone-end\n\n::: zone pivot=\"linux\"\n\nMore."
    )
    #expect(
      page.diagnostics.map(\.description) == [
        "snippet.md:9: error: '::: zone-end' closes no zone\n  fix: start the zone with '::: zone pivot=\"…\"', or remove the line",
        "snippet.md:11: error: the zone has no '::: zone-end'\n  fix: end the zone with a line '::: zone-end', with a blank line before it",
      ])
  }

  @Test func codeIncludesBecomeSubstitutedCodeBlocks() throws {
    let code = { (text: String) in
      "<pre><code class=\"language-powershell\">\(text)</code></pre>\n"
    }
    let account = value("mim_service_account", "svc-mimservice")
    #expect(
      try stepsHTML(
        ":::code language=\"powershell\" source=\"docfx/snippets/configure-portal.ps1\" range=\"3-4\" highlight=\"1\":::"
      )
        == code(
          "Set-ADUser -Identity \(account) -Server \(Self.server)\nSet-ADUser -Identity \(value("mim_ma_account", "svc-mimma")) -Server \(Self.server)\n"
        ))
    #expect(
      try stepsHTML(
        "[!code-powershell[Accounts](docfx/snippets/configure-portal.ps1?name=create-accounts)]")
        == code(
          "New-ADUser -Name \(account)\nNew-ADUser -Name \(value("mim_ma_account", "svc-mimma"))\n")
    )
    #expect(
      try stepsHTML(
        ":::code language=\"powershell\" source=\"docfx/snippets/configure-portal.ps1\" id=\"create-accounts\":::"
      )
        == stepsHTML(
          "[!code-powershell[Accounts](docfx/snippets/configure-portal.ps1?name=create-accounts)]"))
    #expect(
      try stepsHTML("[!code-powershell[](docfx/snippets/configure-portal.ps1#L2-L2)]")
        == code("Import-Module ActiveDirectory\n"))
  }

  @Test func aCodeIncludeThatCannotBeReadIsAnErrorAtItsLine() throws {
    let page = try render(
      """
      ## Code

      :::code language="powershell" source="docfx/snippets/missing.ps1":::

      :::code source="docfx/snippets/configure-portal.ps1" range="8-12":::

      [!code-powershell[](docfx/snippets/configure-portal.ps1?name=nothing)]

      :::code source="docfx/snippets/configure-portal.ps1" range="two":::
      """)
    #expect(
      page.diagnostics.map(\.description) == [
        "snippet.md:3: error: the code include 'docfx/snippets/missing.ps1' names no file\n  fix: check the path: it starts from the folder of the file that includes it",
        "snippet.md:5: error: the code include 'docfx/snippets/configure-portal.ps1' asks for lines 8-12, but docfx/snippets/configure-portal.ps1 has 9\n  fix: give lines 1 to 9",
        "snippet.md:7: error: the code include 'docfx/snippets/configure-portal.ps1' asks for the snippet 'nothing', which docfx/snippets/configure-portal.ps1 does not mark\n  fix: mark the snippet in the file with '<nothing>' and '</nothing>' comments, or give 'range=\"…\"'",
        "snippet.md:9: error: the code include 'docfx/snippets/configure-portal.ps1' gives the range 'two', which is not lines\n  fix: write the range as lines and spans of lines, such as '2-5,8' or '10-'",
      ])
  }

  @Test func rowsAndColumnsWrittenIndentedWithoutBlankLinesBecomeALayout() throws {
    #expect(
      try stepsHTML(
        """
        :::row:::
           :::column span="2":::
              Left on **CORPIDM**.
           :::column-end:::
           :::column:::
              ![Portal](media/portal.png)
           :::column-end:::
        :::row-end:::
        """)
          == """
          <div class="docfx-row">
          <div class="docfx-column span-2">
          <p>Left on <strong>\(Self.server)</strong>.</p>
          </div>
          <div class="docfx-column span-1">
          <p><img src="media/portal.png" alt="Portal" /></p>
          </div>
          </div>

          """)
    let page = try render(
      "## A\n\n:::column-end:::\n\n:::row:::\n\n:::column:::\nText.\n:::column-end:::")
    #expect(
      page.diagnostics.map(\.description) == [
        "snippet.md:3: error: ':::column-end:::' is outside a row\n  fix: put columns between ':::row:::' and ':::row-end:::', each ended by ':::column-end:::'",
        "snippet.md:5: error: the row has no ':::row-end:::'\n  fix: end the row with a line ':::row-end:::' after its last ':::column-end:::'",
      ])
  }
}
