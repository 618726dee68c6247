import Foundation
import Testing

@testable import RunbookKit

/// The one matcher of substitution and of the gates, and its token rule (README, "Sample names").
@Suite struct MatcherTests {
  // swift-format-ignore: NeverUseForceTry
  // (the project's own definition, which every build checks)
  static let definition = try! projectDefinition()
  static let matcher = SampleMatcher(values: definition.values)

  /// Every sample of the project's runbook with the value it belongs to.
  static var samples: [(sample: String, value: ValueIndex)] { matcher.samples }

  /// Every punctuation and space character of Unicode (categories P* and Z*) but `_`, which
  /// continues a word.
  static let boundaries: [Unicode.Scalar] = (0...0x10FFFF).compactMap { code in
    guard let scalar = Unicode.Scalar(code), scalar != "_" else { return nil }
    switch scalar.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
      .initialPunctuation, .finalPunctuation, .otherPunctuation, .spaceSeparator,
      .lineSeparator, .paragraphSeparator:
      return scalar
    default:
      return nil
    }
  }

  // Regression test for #12: next to curly quotes a longer sample was missed and a shorter one
  // matched instead (`“cm.contoso.com”` became `“cm.NWIND.com”`).
  @Test func everyPunctuationAndSpaceCharacterEndsASample() {
    #expect(Self.boundaries.count > 800)
    var wrong: [String] = []
    for boundary in Self.boundaries {
      for (sample, value) in Self.samples {
        let text = "\(boundary)\(sample)\(boundary)"
        let start = String(boundary).utf8.count
        let expected = [
          SampleMatcher.Match(range: start..<(start + sample.utf8.count), value: value)
        ]
        if Self.matcher.matches(in: text) != expected { wrong.append(text) }
      }
    }
    #expect(wrong.isEmpty, "\(wrong.count) texts: \(wrong.prefix(5))")
  }

  @Test func theRightValueLandsBesideCurlyQuotesDashesAndCJKPunctuation() throws {
    let html = try stepsHTML(
      "“mim.contoso.com” «CORPIDM» contoso.com… 「MIMService」、CORPIDM\u{00A0}is CORPIDM–MIMMA—MIMSSPR"
    )
    #expect(
      html
        == "<p>“\(value("portal_host", "identity.fabrikam.com"))” «\(value("mim_server", "IDM01"))» "
        + "\(value("dns_domain", "fabrikam.com"))… 「\(value("mim_service_account", "svc-mimservice"))」、"
        + "\(value("mim_server", "IDM01"))\u{00A0}is \(value("mim_server", "IDM01"))–"
        + "\(value("mim_ma_account", "svc-mimma"))—\(value("sspr_account", "svc-mimsspr"))</p>\n")
  }

  // Regression test for #12: `PRIV` was "left" in Privileged, `CORPDC` inside a cmdlet.
  @Test func noSampleIsFoundInsideALongerIdentifier() {
    let wordCharacters = ["a", "Z", "0", "9", "_", "é", "ß", "中", "ǅ", "٣", "\u{0301}", "Ⅻ"]
    var wrong: [String] = []
    for character in wordCharacters {
      for (sample, _) in Self.samples {
        for text in ["\(character)\(sample)", "\(sample)\(character)", "x\(sample)_y"] {
          let sampleBytes = text.utf8.count - sample.utf8.count
          let matches = Self.matcher.matches(in: text)
          // The sample itself must not match where it stands inside the longer word.
          let inside = text.hasPrefix(sample) ? 0..<sample.utf8.count : nil
          let atEnd = text.hasSuffix(sample) ? sampleBytes..<text.utf8.count : nil
          if matches.contains(where: { $0.range == inside || $0.range == atEnd }) {
            wrong.append(text)
          }
        }
      }
    }
    #expect(wrong.isEmpty, "\(wrong)")
  }

  @Test func anExactCaseSampleMatchesOnlyAsWritten() {
    let spec = ValueSpec(
      key: "priv_domain", description: "d", kind: .netbios, samples: ["PRIV"],
      exactCase: ["PRIV"])
    let matcher = SampleMatcher(values: [spec])
    #expect(matcher.matches(in: "PRIV\\admin").map(\.range) == [0..<4])
    #expect(matcher.matches(in: "priv\\admin, Priv, Privileged, PRIVOnly").isEmpty)
  }

  @Test func keptNamesAreLeftAsWrittenAndHideTheSamplesInThem() {
    let spec = ValueSpec(key: "domain", description: "d", kind: .netbios, samples: ["contoso"])
    let kept = SampleMatcher(values: [spec], keep: ["Contoso Pharmaceuticals"])
    #expect(kept.matches(in: "Contoso Pharmaceuticals runs contoso").map(\.range) == [29..<36])
  }

  @Test func aNameHalfReplacedIsReportedWithItsLine() throws {
    let page = try render(
      "## Stage\n\nMail goes to mail.contoso.com.\n\nThe portal is mim.contoso.com, the DC contoso.com."
    )
    #expect(
      page.diagnostics.map(\.description) == [
        "snippet.md:3: warning: 'mail.contoso.com' would be half this deployment's: a sample in it is replaced, the rest stays as the docs wrote it\n  fix: add 'mail.contoso.com' to the samples of a value in the runbook definition, or list it under 'keep:' to leave it as written"
      ])
  }

  @Test func aNameWhoseEveryLabelIsASampleIsWhole() {
    let specs = [
      ValueSpec(key: "sql", description: "d", kind: .hostname, samples: ["corpsql"]),
      ValueSpec(key: "dns", description: "d", kind: .fqdn, samples: ["contoso.com"]),
    ]
    let matcher = SampleMatcher(values: specs)
    for text in ["corpsql.contoso.com", "see contoso.com.", "contoso.com/x"] {
      #expect(matcher.halfReplacedNames(in: text, matches: matcher.matches(in: text)).isEmpty)
    }
    let half = "www.contoso.com and contoso.com.au"
    #expect(
      matcher.halfReplacedNames(in: half, matches: matcher.matches(in: half)).map(\.name) == [
        "www.contoso.com", "contoso.com.au",
      ])
  }

  // Regression test for #12: a value key holding a sample (`corp_dns`) failed the build, blaming
  // "Templates/ or a description", with a literal `<deployment>` in the message.
  @Test func valueKeysAreNotTextButDescriptionsAre() throws {
    let good = """
      title: T
      pages: [p.md]
      values:
        corp_dns:
          description: DNS name of the domain
          kind: fqdn
          samples: [CORP.com]
        corp:
          description: NetBIOS name, as in CORP\\\\admin
          kind: netbios
          samples: [CORP]
      """
    let error = #expect(throws: DiagnosticError.self) {
      try RunbookDefinition(path: "Content/runbook.yml", text: good)
    }
    // The values sheet shows the key: no sample there.
    let definition = try RunbookDefinition(
      path: "Content/runbook.yml",
      text: good.replacingOccurrences(of: "as in CORP\\\\admin", with: "before account names"))
    let gate = OutputGate(matcher: SampleMatcher(values: definition.values), definition: definition)
    let sheet = SiteFile(
      path: "index.html",
      text: "<table><tr><td><code>corp_dns</code></td><td>CORP_DNS</td></tr></table>")
    #expect(gate.check([sheet], templates: "Templates").isEmpty)
    #expect(
      error?.description
        == "Content/runbook.yml:9:18: error: the description of 'corp' names the sample 'CORP'\n  fix: descriptions are shown on every deployment's pages: say what the value is without a sample name"
    )
  }

  // From review: a kept name (or a longer sample) standing over a sample password hid it.
  @Test func aKeptNameNeverHidesASamplePassword() throws {
    let specs = [
      ValueSpec(key: "password", description: "d", kind: .secret, samples: ["Pass@word1"]),
      ValueSpec(key: "tool", description: "d", kind: .text, samples: ["Acme"]),
    ]
    let tree = MarkdownTree(parsing: "Run AcmePass@word1Tool.")
    let found = PageRenderer.leftovers(
      in: tree.root, matcher: SampleMatcher(values: specs, keep: ["AcmePass@word1Tool"]),
      secrets: [ValueIndex(0)], locate: { _ in SourceLocation(path: "p.md", line: 1) })
    #expect(
      found.map(\.message) == [
        "the sample password 'Pass@word1' would reach the page in 'Run AcmePass@word1Tool.'"
      ])
  }
}
