import Testing

@testable import RunbookKit

/// Substitution cases taken from the real docs (issue #2).
@Suite struct SubstitutionTests {
  @Test func accountAfterDomainBackslash() throws {
    #expect(
      try stepsHTML("*contoso\\MIMMA*")
        == "<p><em>\(value("domain", "FABRIKAM"))\\\(value("mim_ma_account", "svc-mimma"))</em></p>\n"
    )
  }

  @Test func gmsaKeepsItsDollar() throws {
    #expect(
      try stepsHTML("e.g. MIMSync$.") == "<p>e.g. \(value("mim_sync_gmsa", "gmsa-mimsync"))$.</p>\n"
    )
  }

  @Test func urlInCodeSpan() throws {
    #expect(
      try stepsHTML("Open `http://mim.contoso.com/identitymanagement` now.")
        == "<p>Open <code>http://\(value("portal_host", "identity.fabrikam.com"))/identitymanagement</code> now.</p>\n"
    )
  }

  @Test func longestSampleWinsSoDomainNamesStayWhole() throws {
    #expect(
      try stepsHTML("contoso.com and contoso and passwordreset.contoso.com")
        == "<p>\(value("dns_domain", "fabrikam.com")) and \(value("domain", "FABRIKAM")) and \(value("password_reset_host", "pwdreset.fabrikam.com"))</p>\n"
    )
  }

  @Test func matchingIgnoresCase() throws {
    #expect(
      try stepsHTML("Contoso CONTOSO contoso")
        == "<p>\(value("domain", "FABRIKAM")) \(value("domain", "FABRIKAM")) \(value("domain", "FABRIKAM"))</p>\n"
    )
  }

  @Test func twoSamplesOfOneValue() throws {
    #expect(
      try stepsHTML("**mimservername** is CORPIDM")
        == "<p><strong>\(value("mim_server", "IDM01"))</strong> is \(value("mim_server", "IDM01"))</p>\n"
    )
  }

  @Test func onlyWholeTokensMatch() throws {
    // `FIMService` is the Windows service's own name, and `MIMServices` is not the sample.
    #expect(
      try stepsHTML("FIMService MIMServices xcontoso") == "<p>FIMService MIMServices xcontoso</p>\n"
    )
  }

  @Test func relativeLinkAndImagePathStayWhileAltTextChanges() throws {
    #expect(
      try stepsHTML(
        "[MIM Sync on CORPIDM](install-mim-sync.md) ![contoso screen](media/contoso/shot.png)")
        == "<p><a href=\"install-mim-sync.md\">MIM Sync on \(value("mim_server", "IDM01"))</a> <img src=\"media/contoso/shot.png\" alt=\"FABRIKAM screen\" /></p>\n"
    )
  }

  @Test func absoluteLinkTargetChanges() throws {
    #expect(
      try stepsHTML("[portal](http://mim.contoso.com/identitymanagement)")
        == "<p><a href=\"http://identity.fabrikam.com/identitymanagement\">portal</a></p>\n")
  }

  @Test func samplePasswordBecomesTheSecretsReference() throws {
    #expect(
      try stepsHTML("password <strong>Pass@word1</strong>, or <em>Pass@word1</em>")
        == "<p>password <strong>\(secret("service_password", "vault://kv/mim/svc-mimservice"))</strong>, or <em>\(secret("service_password", "vault://kv/mim/svc-mimservice"))</em></p>\n"
    )
  }

  @Test func codeBlockKeepsItsLanguageAndLines() throws {
    let markdown = """
      ```powershell
      New-ADUser -Name MIMService -Path "DC=contoso,DC=com"
      Set-Service -ComputerName CORPIDM
      ```
      """
    #expect(
      try stepsHTML(markdown)
        == "<pre><code class=\"language-powershell\">New-ADUser -Name \(value("mim_service_account", "svc-mimservice")) -Path &quot;DC=\(value("domain", "FABRIKAM")),DC=com&quot;\nSet-Service -ComputerName \(value("mim_server", "IDM01"))\n</code></pre>\n"
    )
  }

  @Test func codeBlockWithoutSamplesIsCmarksOwn() throws {
    #expect(
      try stepsHTML("```\nGet-Service FIMService\n```")
        == "<pre><code>Get-Service FIMService\n</code></pre>\n")
  }

  @Test func valueWithMarkupCharactersRendersLiterallyAndChangesNoStructure() throws {
    var values = fabrikamValues
    values["mim_server"] = "*a_[b](c)<i>&amp;`"
    #expect(
      try stepsHTML("Specify *CORPIDM* and `CORPIDM`.", values: values)
        == "<p>Specify <em>\(value("mim_server", "*a_[b](c)&lt;i&gt;&amp;amp;`"))</em> and <code>\(value("mim_server", "*a_[b](c)&lt;i&gt;&amp;amp;`"))</code>.</p>\n"
    )
  }

  @Test func usageCountsEveryValue() throws {
    let page = try render("CORPIDM and mimservername in contoso")
    let definition = try projectDefinition()
    let used = Dictionary(uniqueKeysWithValues: zip(definition.values.map(\.key), page.usage.all))
      .filter { $0.value > 0 }
    #expect(used == ["mim_server": 2, "domain": 1])
  }

  @Test func matcherReportsByteRanges() {
    let matcher = SampleMatcher(samples: [["contoso"], ["contoso.com"], ["Pass@word1"]])
    #expect(
      matcher.matches(in: "é contoso.com/contoso,Pass@word1x Pass@word1")
        == [
          .init(range: 3..<14, value: ValueIndex(1)), .init(range: 15..<22, value: ValueIndex(0)),
          .init(range: 35..<45, value: ValueIndex(2)),
        ])
    #expect(matcher.occurrences(in: "MIMSyncAdmins xcontosox").map(\.range) == [15..<22])
  }
}
