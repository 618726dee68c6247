import Foundation
import RunbookTestSupport

@testable import RunbookKit

let repositoryRoot = TestRunbook.repositoryRoot

let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures")

/// A site of `Tests/Fixtures/sites/` copied with the project's Templates/ into a temporary
/// folder, which the caller removes.
func fixtureSite(_ name: String) throws -> URL {
  let root = FileManager.default.temporaryDirectory.appendingPathComponent(
    "runbook-\(name)-\(UUID().uuidString)")
  try FileManager.default.copyItem(at: fixtures.appendingPathComponent("sites/\(name)"), to: root)
  try FileManager.default.copyItem(
    at: repositoryRoot.appendingPathComponent("Templates"),
    to: root.appendingPathComponent("Templates"))
  return root
}

/// The project's own runbook definition (the seed page's 11 values).
func projectDefinition() throws -> RunbookDefinition {
  let path = "Content/runbook.yml"
  let text = try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
  return try RunbookDefinition(path: path, text: text)
}

/// The text of the project's `Content/deployments/fabrikam.yml`, read once.
let fabrikamFile: String = {
  let url = repositoryRoot.appendingPathComponent("Content/deployments/fabrikam.yml")
  // swift-format-ignore: NeverUseForceTry
  // (the project's own file: without it no test of its values can run)
  return try! String(contentsOf: url, encoding: .utf8)
}()

/// Fabrikam's values, read from `Content/deployments/fabrikam.yml` (never retyped).
let fabrikamValues: [String: String] = {
  // swift-format-ignore: NeverUseForceTry
  // (the project's own files, which every build checks)
  try! Deployment(
    id: "fabrikam", path: "Content/deployments/fabrikam.yml", text: fabrikamFile,
    definition: projectDefinition()
  ).values
}()

/// Renders a markdown snippet as a page of the project's runbook for a deployment.
func render(
  _ markdown: String, values: [String: String] = fabrikamValues, links: Bool = false,
  notesYAML: String? = nil, choices: [ChoiceSpec] = [], selection: [String: String] = [:]
) throws -> RenderedPage {
  let definition = try projectDefinition()
  var page = try PageSource(
    name: "snippet", path: "snippet.md", directory: fixtures, text: markdown)
  page.includes = IncludeFiles(
    of: page.body, in: fixtures, display: { String($0.path.dropFirst(fixtures.path.count + 1)) })
  let matcher = SampleMatcher(values: definition.values)
  let renderer = PageRenderer(page: page, matcher: matcher, choices: choices)
  let pageValues = definition.values.map { PageValue(spec: $0, text: values[$0.key] ?? "") }
  let resolver =
    links
    ? LinkResolver(
      outlines: [renderer.outline()],
      upstream: "https://learn.microsoft.com/en-us/microsoft-identity-manager/")
    : nil
  let notes = try notesYAML.map { try ValidationNotes(path: "notes.yml", text: $0) }
  return renderer.render(
    values: pageValues, links: resolver, notes: notes, selection: selection)
}

/// The HTML of every step of a rendered snippet, joined: what most tests compare.
func stepsHTML(
  _ markdown: String, values: [String: String] = fabrikamValues, choices: [ChoiceSpec] = [],
  selection: [String: String] = [:]
) throws -> String {
  let page = try render(markdown, values: values, choices: choices, selection: selection)
  return page.preambleHTML
    + page.stages.map { $0.introHTML + $0.steps.map(\.html).joined() + $0.outroHTML }.joined()
}

/// The span substitution puts around a value.
func value(_ key: String, _ text: String) -> String {
  "<span class=\"value\" data-key=\"\(key)\" title=\"\(key)\">\(text)</span>"
}

func secret(_ key: String, _ text: String) -> String {
  "<span class=\"value secret\" data-key=\"\(key)\" title=\"\(key): where the password is kept\">\(text)</span>"
}
