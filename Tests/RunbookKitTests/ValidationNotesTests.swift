import Foundation
import Testing

@testable import RunbookKit

/// Validation notes: their format, the two checks, and how they render.
@Suite struct ValidationNotesTests {
  let runbook: Runbook
  let outline: PageOutline

  init() throws {
    runbook = try Runbook(loading: RunbookLocation(root: repositoryRoot))
    outline = try #require(runbook.outlines.first)
  }

  func check(_ yaml: String) throws -> [String] {
    try ValidationNotes(path: "Content/checks/install-mim-service-portal.yml", text: yaml).check(
      against: outline
    )
    .map(\.description)
  }

  @Test func projectNotesCoverEveryStep() throws {
    let notes = try #require(runbook.notes["install-mim-service-portal"])
    #expect(notes.notes.count == 30)
    #expect(notes.check(against: outline).isEmpty)
    #expect(runbook.warnings.isEmpty)
  }

  @Test func noteForAStageThatDoesNotExist() throws {
    let found = try check("before-you-begn:\n  1: Check it.\n")
    #expect(
      found.first
        == "Content/checks/install-mim-service-portal.yml:1:1: error: validation notes for stage 'before-you-begn', which Content/pages/install-mim-service-portal.md does not have\n  fix: did you mean 'before-you-begin'? the stages are before-you-begin, configure-mim-service-and-portal-for-installation, configure-mim-password-registration-portal, configure-mim-password-reset-portal, install-mim-service-and-portal, post-installation-tasks"
    )
  }

  @Test func noteForAStepThatDoesNotExist() throws {
    let found = try check("configure-mim-password-reset-portal:\n  4: Fine.\n  5: One too many.\n")
    #expect(
      found.first
        == "Content/checks/install-mim-service-portal.yml:3:3: error: validation note for step 5 of stage 'configure-mim-password-reset-portal', which has no such step\n  fix: the steps of 'configure-mim-password-reset-portal' are 1 to 4"
    )
  }

  @Test func stepWithoutANoteIsAWarningAtTheStep() throws {
    let found = try check("before-you-begin:\n  1: Check it.\n")
    #expect(found.count == 29)
    #expect(
      found.first
        == "Content/pages/install-mim-service-portal.md:45: warning: step 1 of stage 'configure-mim-service-and-portal-for-installation' has no validation note\n  fix: add '1: |' and the note under 'configure-mim-service-and-portal-for-installation:' in Content/checks/install-mim-service-portal.yml"
    )
  }

  @Test func malformedNotesFile() {
    let error = #expect(throws: DiagnosticError.self) {
      try ValidationNotes(path: "c.yml", text: "stage:\n  one: text\n  2: \"\"\n")
    }
    #expect(
      error?.description == """
        c.yml:2:3: error: 'one' is not a step number
          fix: key each note by the step's number as the page shows it, such as '3:', or '2.3:' for step 3 of the stage's second sub-procedure
        c.yml:3:3: error: the note for step 2 of stage 'stage' is empty
          fix: say what to check and what the operator should see
        """)
  }

  @Test func notesRenderWithTheDeploymentsValues() throws {
    let page = try render(
      "## Stage\n\n1. Install on CORPIDM.",
      notesYAML:
        "stage:\n  1: |\n    `Test-NetConnection CORPIDM -Port 5725` shows `TcpTestSucceeded : True`.\n"
    )
    #expect(
      page.stages[0].steps[0].noteHTML
        == "<p><code>Test-NetConnection \(value("mim_server", "IDM01")) -Port 5725</code> shows <code>TcpTestSucceeded : True</code>.</p>\n"
    )
  }

  @Test func leftoverInANoteNamesTheChecksFileLine() throws {
    let page = try render(
      "## Stage\n\n1. Install.",
      notesYAML: "stage:\n  1: |\n    First line.\n\n    Type Pass@word1x.\n")
    #expect(
      page.diagnostics.map(\.description) == [
        "notes.yml:5: error: the sample password 'Pass@word1' would reach the page in 'Type Pass@word1x.'\n  fix: a password never goes on a page: reword this, or make it a whole word so the secret's reference replaces it"
      ])
  }

  @Test func missingImageIsAWarningAndAPlaceholder() throws {
    let root = fixtures.appendingPathComponent("sites/missing-image")
    let runbook = try Runbook(loading: RunbookLocation(root: root))
    #expect(
      runbook.warnings.map(\.description) == [
        "Content/pages/page.md: warning: the page has no validation notes\n  fix: write Content/checks/page.yml with a note for each step, keyed by stage and step number",
        "Content/pages/page.md:7: warning: image 'media/sign-in.png' is missing\n  fix: copy it to Content/pages/media/sign-in.png, or add 'images: upstream' to the runbook definition to load it from the upstream site; until then the page shows a framed placeholder with its alt text",
      ])
    let page = try #require(runbook.pages.first)
    let rendered = PageRenderer(page: page, matcher: runbook.matcher).render(
      values: runbook.definition.values.map { PageValue(spec: $0, text: "SRV01") },
      links: nil,
      missingImages: runbook.missingImages["page"] ?? [])
    #expect(
      rendered.stages[0].steps[0].html
        == "<p>Sign in to <span class=\"value\" data-key=\"server\" title=\"server\">SRV01</span>.</p>\n<p><span class=\"image-missing\" role=\"img\" title=\"media/sign-in.png is missing\">The sign-in screen of <span class=\"value\" data-key=\"server\" title=\"server\">SRV01</span></span></p>\n"
    )
  }
}
