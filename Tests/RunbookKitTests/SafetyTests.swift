import Foundation
import Testing

@testable import RunbookKit

/// No value can change a page's structure, and no sample password or sample name gets out.
@Suite struct SafetyTests {
  /// A small deterministic generator (SplitMix64), so that a failure can be replayed.
  struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
  }

  /// Markdown and HTML metacharacters, entities, quotes, Unicode and sample names themselves.
  static let pieces = [
    "*", "**", "_", "__", "`", "```", "[", "]", "(", ")", "<", ">", "&", "&amp;", "&#60;", "\"",
    "'", "\\", "|",
    "#", "!", "[!NOTE]", "<script>", "</span>", "<b>", "-->", "$", "@", "é", "漢字", "🙂", " ", "x",
    "IDM",
    "contoso", "Pass@word1", "{{x}}", "{{{y}}}",
  ]

  static func randomValue(_ generator: inout Generator) -> String {
    (0..<(1 + Int(generator.next() % 6))).map { _ in generator.pick(pieces) }.joined()
  }

  /// Tag names and attribute names in order: the page's structure without its text.
  static func skeleton(_ html: String) -> [String] {
    var result: [String] = []
    var rest = Substring(html)
    while let open = rest.firstIndex(of: "<") {
      guard let close = rest[open...].firstIndex(of: ">") else { break }
      let tag = rest[rest.index(after: open)..<close]
      let name = tag.prefix { !$0.isWhitespace && $0 != "/" || $0 == "/" && tag.first == "/" }
      var attributes: [String] = []
      var inQuote: Character?
      var word = ""
      for character in tag.dropFirst(name.count) {
        if let quote = inQuote {
          if character == quote { inQuote = nil }
        } else if character == "\"" || character == "'" {
          inQuote = character
        } else if character == "=" {
          attributes.append(word.trimmingCharacters(in: .whitespaces))
          word = ""
        } else if character.isWhitespace {
          word = ""
        } else {
          word.append(character)
        }
      }
      result.append(
        String(name) + (attributes.isEmpty ? "" : " " + attributes.joined(separator: " ")))
      rest = rest[rest.index(after: close)...]
    }
    return result
  }

  func renderer() throws -> SiteRenderer {
    let runbook = try Runbook(loading: RunbookLocation(root: repositoryRoot))
    let templates = try Templates(
      folder: repositoryRoot.appendingPathComponent("Templates"), display: { $0.path })
    return SiteRenderer(runbook: runbook, templates: templates, buildDate: "2026-01-01")
  }

  func site(values: [String: String], name: String) throws -> DeploymentSite {
    try renderer().render(
      Deployment(id: "random", name: name, values: values, path: "random.yml", fileHash: "0"))
  }

  // The batch renders the runbook once with placeholders and fills in each deployment's values:
  // it must give what rendering the tree with the real values gives.
  @Test func filledSitesEqualSitesRenderedWithTheirValues() throws {
    let renderer = try renderer()
    let compiled = renderer.compile()
    var generator = Generator(state: 7)
    for round in 0..<15 {
      var values: [String: String] = [:]
      for key in fabrikamValues.keys {
        values[key] = round == 0 ? fabrikamValues[key] : Self.randomValue(&generator)
      }
      let deployment = Deployment(
        id: "d\(round)", name: Self.randomValue(&generator), values: values, path: "d.yml",
        fileHash: "abc")
      let direct = renderer.renderDirect(deployment).files
      let filled = compiled.fill(deployment).files
      #expect(direct.map(\.path) == filled.map(\.path))
      for (a, b) in zip(direct, filled) {
        // cmark leaves ' unescaped in text; the fill escapes it: the same to a browser.
        let expected = String(decoding: a.data, as: UTF8.self).replacingOccurrences(
          of: "&#39;", with: "'")
        let actual = String(decoding: b.data, as: UTF8.self).replacingOccurrences(
          of: "&#39;", with: "'")
        #expect(expected == actual, "round \(round): \(a.path) differs")
      }
    }
  }

  @Test func valuesHoldingMetacharactersNeverChangeThePagesStructure() throws {
    let plain = try site(values: fabrikamValues, name: "Plain")
    let plainSkeletons = plain.files.filter { $0.path.hasSuffix(".html") }.map {
      Self.skeleton(String(decoding: $0.data, as: UTF8.self))
    }
    var generator = Generator(state: 2026)
    for round in 0..<40 {
      var values: [String: String] = [:]
      for key in fabrikamValues.keys { values[key] = Self.randomValue(&generator) }
      let name = Self.randomValue(&generator)
      let random = try site(values: values, name: name)
      let pages = random.files.filter { $0.path.hasSuffix(".html") }
      for (page, expected) in zip(pages, plainSkeletons) {
        let html = String(decoding: page.data, as: UTF8.self)
        #expect(
          Self.skeleton(html) == expected,
          "round \(round): \(page.path) changed structure with values \(values) and name \(name)")
        // Each value shows literally: escaped once, never interpreted.
        if page.path.hasSuffix("post-installation-tasks.html") {
          #expect(
            html.contains(">" + values["portal_host", default: ""].htmlEscaped + "</span>"),
            "round \(round)")
        }
      }
    }
  }

  // A <header> once made the gate skip the rest of the page, as if it were the <head>.
  @Test func gateCatchesASamplePasswordAndSampleNamesFromTemplates() throws {
    let definition = try projectDefinition()
    let gate = OutputGate(matcher: SampleMatcher(values: definition.values), definition: definition)
    let files = [
      SiteFile(
        path: "index.html",
        text:
          "<html><head><title>contoso</title></head><body><header class=\"site-header\">Runbook</header><p>Log on to CORPIDM with <code>Pass@word1</code></p><span class=\"value\" data-key=\"domain\">contoso</span><script>var contoso;</script></body></html>"
      ),
      SiteFile(path: "assets/x.css", text: "/* contoso */"),
    ]
    #expect(
      gate.check(files, templates: "Templates").map(\.description) == [
        "Templates/overview.mustache: error: the page index.html holds the sample password 'Pass@word1'\n  fix: a sample password must always be replaced: list it under the samples of service_password in Content/runbook.yml",
        "Templates/overview.mustache: error: the page index.html shows the sample name 'CORPIDM' outside a substituted value\n  fix: write overview.mustache without sample names, or list the whole name under 'keep:' in Content/runbook.yml if it is not a sample",
        "Templates/overview.mustache: error: the page index.html shows the sample name 'Pass@word1' outside a substituted value\n  fix: write overview.mustache without sample names, or list the whole name under 'keep:' in Content/runbook.yml if it is not a sample",
      ])
  }

  @Test func valuesInURLsAreEscapedAsCmarkEscapesURLs() {
    #expect(
      String(decoding: CompiledFile.hrefEscaped("mim.fabrikam.com/a b&c'd\"é"), as: UTF8.self)
        == "mim.fabrikam.com/a%20b&amp;c&#x27;d%22%C3%A9")
  }

  @Test func aValueHoldingTheSamplePasswordFailsItsDeployment() throws {
    var values = fabrikamValues
    values["service_password"] = "KeePass: Pass@word1"
    let site = try site(values: values, name: "Leaky")
    #expect(
      site.diagnostics.map(\.description) == [
        "random.yml: error: the value of 'service_password' holds the sample password 'Pass@word1'\n  fix: a sample password never goes on a page: give where the real password is kept"
      ])
  }

  @Test func buildDateComesFromSourceDateEpoch() {
    #expect(BuildOptions.dateFromEnvironment(["SOURCE_DATE_EPOCH": "1767225600"]) == "2026-01-01")
    #expect(BuildOptions.dateFromEnvironment(["SOURCE_DATE_EPOCH": "0"]) == "1970-01-01")
  }
}
