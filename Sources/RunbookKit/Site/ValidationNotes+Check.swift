extension ValidationNotes {
  /// Notes for stages or steps the page does not have are errors; steps without a note are
  /// warnings (errors under `--strict`).
  public func check(against outline: PageOutline) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    let slugs = outline.stages.map(\.slug)
    var reportedStages = Set<String>()
    for note in notes {
      guard let stage = outline.stages.first(where: { $0.slug == note.stage }) else {
        guard reportedStages.insert(note.stage).inserted else { continue }
        let near =
          Spelling.closest(to: note.stage, among: slugs).map { "did you mean '\($0)'? " } ?? ""
        diagnostics.append(
          .error(
            at: note.stageLocation,
            "validation notes for stage '\(note.stage)', which \(outline.path) does not have",
            fix: "\(near)the stages are \(slugs.joined(separator: ", "))"))
        continue
      }
      let numbers = stage.steps.map(\.number)
      if !numbers.contains(note.step) {
        diagnostics.append(
          .error(
            at: note.location,
            "validation note for step \(note.step) of stage '\(note.stage)', which has no such step",
            fix: "the steps of '\(note.stage)' are \(Self.describe(numbers))"))
      }
    }
    for stage in outline.stages {
      for step in stage.steps where note(stage: stage.slug, step: step.number) == nil {
        diagnostics.append(
          .warning(
            at: SourceLocation(path: outline.path, line: step.line),
            "step \(step.number) of stage '\(stage.slug)' has no validation note",
            fix: "add '\(step.number): |' and the note under '\(stage.slug):' in \(path)"))
      }
    }
    return diagnostics
  }
}
