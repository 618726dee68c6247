import Foundation
import RunbookTestSupport

@testable import RunbookKit

let repositoryRoot = TestRunbook.repositoryRoot

let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures")

/// The project's own runbook definition (the seed page's 11 values).
func projectDefinition() throws -> RunbookDefinition {
  let path = "Content/runbook.yml"
  let text = try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
  return try RunbookDefinition(path: path, text: text)
}

/// Fabrikam's values, as `Content/deployments/fabrikam.yml` gives them.
let fabrikamValues: [String: String] = [
  "domain": "FABRIKAM", "dns_domain": "fabrikam.com", "mim_server": "IDM01",
  "mim_service_account": "svc-mimservice", "mim_ma_account": "svc-mimma",
  "sspr_account": "svc-mimsspr",
  "mim_sync_gmsa": "gmsa-mimsync", "portal_host": "identity.fabrikam.com",
  "password_registration_host": "pwdreg.fabrikam.com",
  "password_reset_host": "pwdreset.fabrikam.com",
  "service_password": "vault://kv/mim/svc-mimservice",
]

/// Renders a markdown snippet as a page of the project's runbook for a deployment.
func render(
  _ markdown: String, values: [String: String] = fabrikamValues, links: Bool = false,
  notesYAML: String? = nil
) throws -> RenderedPage {
  let definition = try projectDefinition()
  let page = try PageSource(
    name: "snippet", path: "snippet.md", directory: fixtures, text: markdown)
  let matcher = SampleMatcher(values: definition.values)
  let renderer = PageRenderer(page: page, matcher: matcher)
  let pageValues = definition.values.map { PageValue(spec: $0, text: values[$0.key] ?? "") }
  let resolver =
    links
    ? LinkResolver(
      outlines: [renderer.outline()],
      upstream: "https://learn.microsoft.com/en-us/microsoft-identity-manager/")
    : nil
  let notes = try notesYAML.map { try ValidationNotes(path: "notes.yml", text: $0) }
  return renderer.render(values: pageValues, links: resolver, notes: notes)
}

/// The HTML of every step of a rendered snippet, joined: what most tests compare.
func stepsHTML(_ markdown: String, values: [String: String] = fabrikamValues) throws -> String {
  let page = try render(markdown, values: values)
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
