import Foundation
import Testing

@testable import RunbookKit

/// The whole "deploy MIM" series, read unmodified from `Tests/Fixtures/corpus/mim-deploy`.
@Suite(.serialized) struct SeriesTests {
  static let corpus = fixtures.appendingPathComponent("corpus/mim-deploy")
  static let location = RunbookLocation(
    root: repositoryRoot, definition: "Content/mim-deploy.yml", source: corpus.path)

  @Test
  func pagesFollowTheirStepByStepLinks() throws {
    let runbook = try Runbook(loading: Self.location)
    #expect(
      runbook.pages.map(\.name) == [
        "preparing-domain", "prepare-server-ws2016", "prepare-server-sql2016",
        "prepare-server-sharepoint",
        "install-mim-sync", "install-mim-service-portal", "install-mim-sync-ad-service",
      ])
    #expect(runbook.outlines.map(\.stages.count) == [1, 4, 1, 3, 2, 6, 5])
    #expect(runbook.outlines.flatMap(\.stages).flatMap(\.steps).count == 151)
    // The previous link of install-mim-sync.md is nested in `> >`; the direction comes from «.
    let sync = try #require(runbook.outlines.first { $0.name == "install-mim-sync" })
    #expect(
      sync.navigation.map { "\($0.direction.rawValue) \($0.target)" } == [
        "previous prepare-server-sharepoint.md", "next install-mim-service-portal.md",
      ])
    // Single-link blocks at the ends.
    #expect(runbook.outlines.first?.navigation.map(\.direction) == [.next])
    #expect(runbook.outlines.last?.navigation.map(\.direction) == [.previous])
    // fix_dashes: true, so the three commands with en dashes are notes, not warnings.
    #expect(
      runbook.warnings.map(\.description) == [
        "Tests/Fixtures/corpus/mim-deploy/prepare-server-ws2016.md:75: note: the command writes a parameter with an en dash ('–includeallsubfeature'): fix_dashes makes it '-'",
        "Tests/Fixtures/corpus/mim-deploy/preparing-domain.md:54: note: the command writes a parameter with an en dash ('–asplaintext'): fix_dashes makes it '-'",
        "Tests/Fixtures/corpus/mim-deploy/preparing-domain.md:91: note: the command writes a parameter with an en dash ('–name'): fix_dashes makes it '-'",
      ])
  }

  @Test
  func seriesBuildsIntoOneChainWithTablesLinksAndNoSampleLeft() throws {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-series-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: output) }
    let report = SiteBuilder(
      options: BuildOptions(location: Self.location, buildDate: "2026-01-01")
    ).build(into: OutputWriter(folder: output))
    #expect(report.built == ["fabrikam-mim"])
    #expect(report.diagnostics.errors.isEmpty, "\(report.diagnostics.errors)")
    let site = output.appendingPathComponent("fabrikam-mim")

    // One chain of 22 stage pages across the 7 pages, prev and next agreeing.
    var chain: [String] = []
    var current: String? = "preparing-domain/create-user-accounts-and-groups.html"
    while let page = current {
      chain.append(page)
      let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
      let folder = String(page.split(separator: "/")[0])
      func resolve(_ href: String) -> String {
        href.hasPrefix("../") ? String(href.dropFirst(3)) : "\(folder)/\(href)"
      }
      if let previous = SiteTests.link(rel: "prev", in: html) {
        #expect(resolve(previous) == chain.dropLast().last)
      }
      current = SiteTests.link(rel: "next", in: html).map(resolve)
    }
    #expect(chain.count == 22)
    #expect(chain.last == "install-mim-sync-ad-service/initialize-the-testing-environment.html")

    let pages = SiteTests.files(in: site).filter { $0.hasSuffix(".html") }
    let samples = [
      "contoso", "corpdc", "corpservice", "corpsync", "corpsql", "corpidm", "mimservername",
      "miminstall", "mimma",
      "mimservice", "mimsspr", "backupadmin", "mimpool", "pass@word",
      "replace with your own strong password",
      "\\sharepoint", "\\sqlserver", "mimsyncadmins", "mimsyncpassword",
    ]
    var verifyBlocks = 0
    for page in pages {
      let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
      #expect(!html.contains(".md\""), "\(page) links to a markdown file")
      #expect(!html.contains(".md#"), "\(page) links to a markdown file")
      let visible = SiteTests.visibleText(
        html.replacingOccurrences(
          of: "<span class=\"value[^\"]*\"[^>]*>[^<]*</span>", with: " ",
          options: .regularExpression)
      ).lowercased()
      for sample in samples {
        #expect(!visible.contains(sample), "\(page) shows the sample \(sample)")
      }
      if page != "print.html" {
        verifyBlocks += html.components(separatedBy: "<div class=\"verify\">").count - 1
      }
    }
    #expect(verifyBlocks == 151)

    // Tables: real tables with substitution in their cells; links upstream.
    let rule = try String(
      contentsOf: site.appendingPathComponent(
        "install-mim-sync-ad-service/configure-the-mim-service.html"), encoding: .utf8)
    #expect(
      rule.contains(
        "<td>Rule 8</td><td>&quot;<span class=\"value\" data-key=\"domain\" title=\"domain\">FABRIKAM</span>&quot;</td><td>domain</td>"
      ))
    let agent = try String(
      contentsOf: site.appendingPathComponent(
        "install-mim-sync-ad-service/create-the-mim-management-agent.html"), encoding: .utf8)
    #expect(agent.components(separatedBy: "<div class=\"table-scroll\"><table>").count == 3)
    let sql = try String(
      contentsOf: site.appendingPathComponent(
        "prepare-server-sql2016/install-sql-server-2016-standardenterprise-edition.html"),
      encoding: .utf8)
    #expect(
      sql.contains(
        "href=\"https://learn.microsoft.com/sql/ssms/download-sql-server-management-studio-ssms?view=sql-server-2017\""
      ))
    let sync = try String(
      contentsOf: site.appendingPathComponent(
        "install-mim-sync/install-mim-2016-mim-synchronization-service.html"), encoding: .utf8)
    #expect(
      sync.contains(
        "href=\"https://learn.microsoft.com/en-us/microsoft-identity-manager/microsoft-identity-manager-licensing\""
      ))
    // SharePoint the account is substituted; SharePoint the product is not.
    let domain = try String(
      contentsOf: site.appendingPathComponent(
        "preparing-domain/create-user-accounts-and-groups.html"), encoding: .utf8)
    #expect(
      domain.contains(
        "-SamAccountName <span class=\"value\" data-key=\"sharepoint_account\" title=\"sharepoint_account\">svc-spfarm</span>"
      ))
    #expect(domain.contains("as well as SharePoint and SQL."))
  }
}

/// A second real runbook from the corpus: Microsoft's Generic CSV connector guide, a long
/// reference page with its own sample names (`Content/gcsv.yml`).
@Suite struct GenericCSVRunbookTests {
  static let location = RunbookLocation(
    root: repositoryRoot, definition: "Content/gcsv.yml",
    source: fixtures.appendingPathComponent("corpus/mimdocs").path)

  @Test func buildsUnderStrictWithItsNotesAndKeepsTheProductName() throws {
    let memory = MemorySite()
    let report = SiteBuilder(
      options: BuildOptions(location: Self.location, strict: true, buildDate: "2026-01-01")
    ).build(into: memory)
    #expect(report.built == ["northwind"])
    #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
    let folder = "northwind/microsoft-identity-manager-2016-connector-genericcsv-step-by-step/"
    let connector = String(
      decoding: try #require(memory.files[folder + "create-a-new-connector.html"]), as: UTF8.self)
    // The sample name is the deployment's; the product's name holding it stays Microsoft's.
    #expect(
      connector.contains(
        "for example: <strong><span class=\"value\" data-key=\"connector_name\" title=\"connector_name\">Northwind HR (CSV)</span></strong>"
      ))
    #expect(connector.contains("Select the <strong>Generic CSV (Microsoft)</strong> Connector."))
    let connectivity = String(
      decoding: try #require(memory.files[folder + "connectivity.html"]), as: UTF8.self)
    #expect(
      connectivity.contains(
        "<code><span class=\"value\" data-key=\"csv_folder\" title=\"csv_folder\">D:\\MIM\\HRFeed</span>\\USERS.CSV</code>"
      ))
    let stages = memory.files.keys.filter { $0.hasPrefix(folder) }
    #expect(stages.count == 10)
  }
}

/// A runbook whose steps are headings and whose page ends in a reference section: Microsoft's
/// custom multi-factor authentication provider page (`Content/custom-mfa.yml`).
@Suite struct CustomMFARunbookTests {
  static let location = RunbookLocation(
    root: repositoryRoot, definition: "Content/custom-mfa.yml",
    source: fixtures.appendingPathComponent("corpus/mimdocs").path)

  @Test func headingStepsAreStepsAndNextStepsIsAReferencePage() throws {
    let runbook = try Runbook(loading: Self.location)
    let outline = try #require(runbook.outlines.first)
    #expect(
      outline.stages.map { "\($0.slug) \($0.isReference) \($0.steps.map(\.number.description))" }
        == [
          "prerequisites false [\"1\"]",
          "approach-using-custom-multi-factor-authentication-code false [\"1\", \"2\", \"3\", \"4\", \"5\"]",
          "next-steps true []",
        ])
    let memory = MemorySite()
    let report = SiteBuilder(
      options: BuildOptions(location: Self.location, strict: true, buildDate: "2026-01-01")
    ).build(into: memory)
    #expect(report.built == ["northwind"])
    #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
    let folder = "northwind/working-with-custommfaserver-for-mim/"
    let reference = String(
      decoding: try #require(memory.files[folder + "next-steps.html"]), as: UTF8.self)
    // No tick box, no place in the chain, not counted.
    #expect(
      reference.contains("<p class=\"stage-count\">Reference · not a step of the runbook</p>"))
    #expect(!reference.contains("verify-box") && !reference.contains("rel=\"next\""))
    #expect(
      reference.contains(
        "https://learn.microsoft.com/en-us/microsoft-identity-manager/reference/version-history"))
    let approach = String(
      decoding: try #require(
        memory.files[folder + "approach-using-custom-multi-factor-authentication-code.html"]),
      as: UTF8.self)
    #expect(!approach.contains("rel=\"next\""))
    #expect(
      approach.contains("data-stages=\"working-with-custommfaserver-for-mim/prerequisites:1 "))
    #expect(!approach.contains("next-steps:"))
    let overview = String(
      decoding: try #require(memory.files["northwind/index.html"]), as: UTF8.self)
    #expect(overview.contains("2 stages · 6 steps"))
    #expect(
      overview.contains(
        "<p class=\"toc-reference\">Reference: <a href=\"working-with-custommfaserver-for-mim/next-steps.html\">Next Steps</a></p>"
      ))
  }
}
