import Foundation
import Testing

@testable import RunbookKit

/// The contexts that spell out their dictionaries (to render without reflection) give templates
/// exactly the keys and values that reading their properties by reflection gives.
@Suite struct TemplateDataTests {
  /// A value as text, dictionaries with their keys sorted, so two plain values compare.
  static func canonical(_ value: Any) -> String {
    switch value {
    case let dictionary as [String: Any]:
      return "{"
        + dictionary.keys.sorted().map { "\($0): \(canonical(dictionary[$0] as Any))" }
        .joined(separator: ", ") + "}"
    case let array as [Any]: return "[" + array.map(canonical).joined(separator: ", ") + "]"
    case let text as String: return "\"\(text)\""
    default: return "\(type(of: value))(\(value))"
    }
  }

  static func expectSameAsReflection(_ value: some FastTemplateData) {
    #expect(canonical(value.plain) == canonical(TemplateData.reflected(value)))
  }

  static let step = StepContext(
    number: "2.3", value: 3, html: "<p>Run it</p>", key: "page/stage/2.3", source: "ab12",
    noteHTML: "<p>It ran</p>", leadHTML: "<h4>Then</h4>", summaryHTML: "Run it")
  static let bareStep = StepContext(
    number: "1", value: 1, html: "<p>Go</p>", key: nil, source: nil, noteHTML: nil,
    leadHTML: nil, summaryHTML: "Go")

  @Test func stepsWithAndWithoutTheirOptionalKeys() {
    Self.expectSameAsReflection(Self.step)
    Self.expectSameAsReflection(Self.bareStep)
    // A nil optional is a key that is not there, so mustache looks in the enclosing context.
    #expect(Self.bareStep.plain.keys.sorted() == ["html", "number", "summaryHTML", "value"])
  }

  @Test func printStagesReferencesValueRowsAndLinks() {
    Self.expectSameAsReflection(
      PrintPage.Stage(
        stageNumber: 2, titleHTML: "<em>B</em>", pageTitleHTML: "P", introHTML: "<p>i</p>",
        outroHTML: "", steps: [Self.step, Self.bareStep], preambleHTML: "<p>before</p>"))
    Self.expectSameAsReflection(
      PrintPage.Stage(
        stageNumber: 1, titleHTML: "A", pageTitleHTML: "P", introHTML: "", outroHTML: "",
        steps: [], preambleHTML: nil))
    Self.expectSameAsReflection(
      PrintPage.Reference(titleHTML: "See also", pageTitleHTML: "P", html: "<ul></ul>"))
    Self.expectSameAsReflection(
      ValueRow(
        key: "dns_domain", keyHTML: "dns_<wbr>domain", description: "The domain", kind: "domain",
        valueHTML: "<span class=\"value\">x</span>", uses: 4))
    Self.expectSameAsReflection(PagerLink(href: "a.html", title: "A"))
  }

  @Test func theStageListAndTheSiteFacts() {
    let stage = OverviewPage.Stage(
      number: 3, titleHTML: "C", id: "page/c", href: "../page/c.html", steps: 1, oneStep: true,
      current: true)
    Self.expectSameAsReflection(stage)
    Self.expectSameAsReflection(
      OverviewPage.Page(
        title: "P", titleHTML: "<em>P</em>", stages: [stage],
        references: [PagerLink(href: "r.html", title: "R")]))
    Self.expectSameAsReflection(
      OverviewPage.Page(title: "Q", titleHTML: "Q", stages: [], references: []))
    Self.expectSameAsReflection(
      SiteFacts(
        runbookTitle: "T", version: "1.0", deploymentName: "Fabrikam", deploymentId: "fabrikam",
        deploymentHash: "abc", runbookId: "mim", stageList: "p/s:1,2", sourceList: "h1 h2",
        buildDate: "2026-12-04"))
  }
}

/// Front matter is found by the bytes of a page's lines, as splitting the page into characters
/// found it (a `"\r\n"` is one character: no line ends inside it).
@Suite struct FrontMatterTests {
  /// How pages were split before: every line a split of the text's characters.
  static func byCharacters(_ text: String) -> (fields: String, body: String, offset: Int)? {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard let first = lines.first, first.trimmingCharacters(in: .whitespaces) == "---" else {
      return ("", text, 0)
    }
    lines.removeFirst()
    guard let end = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" })
    else { return nil }
    return (
      lines[..<end].joined(separator: "\n"), lines[(end + 1)...].joined(separator: "\n"), end + 2
    )
  }

  static func expectSameSplit(_ text: String, _ label: String) {
    let old = byCharacters(text)
    let new = try? FrontMatter.split(text, path: "page.md")
    #expect((old == nil) == (new == nil), "\(label)")
    guard let old, let new else { return }
    #expect(ExactText.equal(new.body, old.body), "\(label)")
    #expect(new.offset == old.offset, "\(label)")
  }

  @Test func edgesOfTheFences() {
    let cases = [
      "", "---", "---\n", "---\n---", "---\n---\n", "---\ntitle: A\n---\nbody\n",
      " --- \ntitle: A\n  ---\t\nbody", "---\r\ntitle: A\r\n---\r\nbody\r\n",
      "---\ntitle: A\r\n---\nbody", "no front matter\n---\n", "---\ntitle: A\n", "\n---\n---\n",
      "---\ntitle: \"caf\u{E9}\"\n---\ne\u{301}\n---\n",
    ]
    for text in cases { Self.expectSameSplit(text, text.debugDescription) }
  }

  @Test func everyCorpusPage() throws {
    let corpus = fixtures.appendingPathComponent("corpus")
    let paths = try FileManager.default.subpathsOfDirectory(atPath: corpus.path)
      .filter { $0.hasSuffix(".md") }
    #expect(paths.count > 250)
    for path in paths {
      let text = try String(
        contentsOf: corpus.appendingPathComponent(path), encoding: .utf8)
      Self.expectSameSplit(text, path)
    }
  }
}
