import Foundation
import Testing

@testable import RunbookKit

/// How the seed page splits into stages and steps, and where links go.
@Suite struct PageStructureTests {
  let runbook: Runbook

  init() throws {
    runbook = try Runbook(loading: RunbookLocation(root: repositoryRoot))
  }

  @Test func seedPageHasSixStagesAndThirtySteps() throws {
    let outline = try #require(runbook.outlines.first)
    #expect(outline.title == "Install MIM 2016: MIM Service and Portal")
    #expect(
      outline.stages.map(\.slug) == [
        "before-you-begin", "configure-mim-service-and-portal-for-installation",
        "configure-mim-password-registration-portal", "configure-mim-password-reset-portal",
        "install-mim-service-and-portal", "post-installation-tasks",
      ])
    #expect(outline.stages.map(\.steps.count) == [1, 16, 4, 4, 1, 4])
    #expect(outline.stages[1].steps.map(\.number.description) == (1...16).map(String.init))
    // "1." on every item still shows 1, 2, 3, 4.
    #expect(outline.stages[5].steps.map(\.number.description) == ["1", "2", "3", "4"])
    // Lines count from the top of the file, front matter included.
    #expect(outline.stages.map(\.line) == [39, 43, 94, 106, 118, 123])
    #expect(outline.stages[1].steps.prefix(3).map(\.line) == [45, 47, 49])
    #expect(
      outline.navigation.map { "\($0.direction.rawValue) \($0.title) \($0.target) \($0.line)" } == [
        "previous MIM Synchronization Service install-mim-sync.md 29",
        "next Synchronize databases install-mim-sync-ad-service.md 30",
      ])
  }

  @Test func stageWithTextAfterItsListKeepsItAsOutro() throws {
    let page = try render("## Stage\n\nIntro.\n\n1. One\n2. Two\n\nBetween.\n\n3. Three\n\nAfter.")
    let stage = try #require(page.stages.first)
    #expect(stage.introHTML == "<p>Intro.</p>\n")
    #expect(stage.steps.map(\.number.description) == ["1", "2", "3"])
    #expect(
      stage.steps.map(\.html) == [
        "<p>One</p>\n", "<p>Two</p>\n<p>Between.</p>\n", "<p>Three</p>\n",
      ])
    #expect(stage.outroHTML == "<p>After.</p>\n")
  }

  // Regression test for #17: lists that start again under a sub-heading or lead-in went on
  // counting, so step 2 of a sub-procedure was shown as step 6.
  @Test func aListThatStartsAgainIsASubProcedure() throws {
    let page = try render(
      """
      ## Stage

      1. One
      2. Two

      #### Create the run profile

      1. Open it.
      2. Save it.

      Then, if you want to use PowerShell:

      1. Run it.
      """)
    let stage = try #require(page.stages.first)
    #expect(stage.steps.map(\.number.description) == ["1", "2", "1.1", "1.2", "2.1"])
    #expect(
      stage.steps[2].leadHTML == "<h2 id=\"create-the-run-profile\">Create the run profile</h2>\n")
    #expect(stage.steps[4].leadHTML == "<p>Then, if you want to use PowerShell:</p>\n")
    #expect(stage.steps[1].html == "<p>Two</p>\n")
  }

  // Regression test for #17: a stage whose steps are headings was one step for all of them.
  @Test func stepsWrittenAsHeadingsAreTheStagesSteps() throws {
    let page = try render(
      """
      ## Deploy

      Before you start, sign in.

      #### Step 1: Create the farm

      Run `New-SPConfigurationDatabase`.

      #### Step 2 - Verify that the farm was created

      1. Open Central Administration.
      2. Check the servers.

      #### Step 3. Done

      ### Not a step
      """)
    let stage = try #require(page.stages.first)
    #expect(stage.introHTML == "<p>Before you start, sign in.</p>\n")
    // A sub-procedure is numbered by its place among the stage's sub-procedures (the first).
    #expect(stage.steps.map(\.number.description) == ["1", "1.1", "1.2", "3"])
    #expect(
      stage.steps[0].html
        == "<h2 id=\"step-1-create-the-farm\">Step 1: Create the farm</h2>\n<p>Run <code>New-SPConfigurationDatabase</code>.</p>\n"
    )
    #expect(
      stage.steps[1].leadHTML
        == "<h2 id=\"step-2---verify-that-the-farm-was-created\">Step 2 - Verify that the farm was created</h2>\n"
    )
    #expect(
      stage.steps[3].html
        == "<h2 id=\"step-3-done\">Step 3. Done</h2>\n<h2 id=\"not-a-step\">Not a step</h2>\n")
  }

  @Test func stepNumbersReadAndPrintAsThePageShowsThem() {
    #expect(StepNumber("16") == StepNumber(16))
    #expect(StepNumber("2.3") == StepNumber(3, procedure: 2))
    #expect(StepNumber("2.3")?.description == "2.3")
    for bad in ["0", "2.0", "a", "1.2.3", "", ".3", "-1"] {
      #expect(StepNumber(bad) == nil, "\(bad)")
    }
  }

  @Test func stageWithoutAListIsOneStep() throws {
    let page = try render("## Install\n\nClick **Install**.\n\n- a bullet")
    #expect(page.stages.map(\.steps.count) == [1])
    #expect(
      page.stages[0].steps[0].html
        == "<p>Click <strong>Install</strong>.</p>\n<ul>\n<li>a bullet</li>\n</ul>\n")
  }

  @Test func linksBetweenStagesAndToUpstream() throws {
    let markdown = """
      # Page

      ## First stage

      1. See [the next stage](#second-stage), [a heading](#deep-one) and [this one](#first-stage).
      2. Read [SQL docs](/sql/ssms/download?view=sql-server-2017) and [licensing](microsoft-identity-manager-licensing.md#editions).

      ## Second stage

      ### Deep one

      Text.
      """
    let page = try render(markdown, links: true)
    #expect(
      page.stages[0].steps.map(\.html) == [
        "<p>See <a href=\"second-stage.html#second-stage\">the next stage</a>, <a href=\"second-stage.html#deep-one\">a heading</a> and <a href=\"#first-stage\">this one</a>.</p>\n",
        "<p>Read <a href=\"https://learn.microsoft.com/sql/ssms/download?view=sql-server-2017\">SQL docs</a> and <a href=\"https://learn.microsoft.com/en-us/microsoft-identity-manager/microsoft-identity-manager-licensing#editions\">licensing</a>.</p>\n",
      ])
    #expect(page.diagnostics.isEmpty)
  }

  @Test func brokenAnchorIsAnErrorAtItsLine() throws {
    let page = try render("## Only stage\n\n1. See [there](#only-stag).", links: true)
    #expect(
      page.diagnostics.map(\.description) == [
        "snippet.md:3: error: link to '#only-stag', which no heading or anchor of snippet.md has\n  fix: did you mean '#only-stage'?"
      ])
  }

  // Regression test for #12: the gate found samples inside longer words (`PRIV` in Privileged,
  // `CORPDC` in a cmdlet) and failed builds that substitution had got right.
  @Test func aSampleInsideALongerWordIsNeitherReplacedNorALeftover() throws {
    let page = try render("## Stage\n\nAdd the group **MIMSyncAdmins** on corpidm2 (corpidm_x).")
    #expect(page.diagnostics.isEmpty)
    #expect(
      page.stages[0].steps[0].html
        == "<p>Add the group <strong>MIMSyncAdmins</strong> on corpidm2 (corpidm_x).</p>\n")
  }
}
