import Foundation
import Yams

/// How an operator proves one step worked: markdown written with the pages' own sample names,
/// so that the same substitution renders it for every deployment.
public struct ValidationNote: Sendable, Hashable {
  public var stage: String
  public var step: StepNumber
  public var markdown: String
  /// Where the note's key stands in its checks file, and where its stage's key stands.
  public var location: SourceLocation
  public var stageLocation: SourceLocation
  /// The file line of the note's first markdown line.
  public var firstLine: Int
}

/// The validation notes of one page: `Content/checks/<page>.yml`, keyed by stage slug and step.
public struct ValidationNotes: Sendable {
  public var path: String
  public var notes: [ValidationNote]

  public func note(stage: String, step: StepNumber) -> ValidationNote? {
    notes.first { $0.stage == stage && $0.step == step }
  }

  /// Reads a checks file; its shape must be `stage-slug: { step-number: markdown }`.
  public init(path: String, text: String) throws(DiagnosticError) {
    let file = try YAMLFile(path: path, text: text)
    self.path = path
    var notes: [ValidationNote] = []
    var diagnostics: [Diagnostic] = []
    if let root = file.root, root.mapping == nil {
      throw DiagnosticError([
        .error(
          at: file.location(of: root), "a checks file maps stages to their steps' notes",
          fix: "write 'stage-slug:' lines, each holding 'N: |' and the note for step N")
      ])
    }
    for stage in file.root?.entries ?? [] {
      guard stage.value.mapping != nil else {
        diagnostics.append(
          .error(
            at: file.location(of: stage.value),
            "stage '\(stage.key)' does not map step numbers to notes",
            fix: "indent the notes under it as '1: |', '2: |' ..."))
        continue
      }
      for step in stage.value.entries {
        guard let number = StepNumber(step.key) else {
          diagnostics.append(
            .error(
              at: file.location(of: step.keyNode), "'\(step.key)' is not a step number",
              fix:
                "key each note by the step's number as the page shows it, such as '3:', or '2.3:' for step 3 of the stage's second sub-procedure"
            ))
          continue
        }
        guard let scalar = step.value.scalar,
          !scalar.string.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
          diagnostics.append(
            .error(
              at: file.location(of: step.keyNode),
              "the note for step \(number) of stage '\(stage.key)' is empty",
              fix: "say what to check and what the operator should see"))
          continue
        }
        let keyLocation = file.location(of: step.keyNode)
        // A block scalar (`|`) starts on the line after its indicator.
        let block = scalar.style == .literal || scalar.style == .folded
        let firstLine = (scalar.mark?.line ?? keyLocation.line) + (block ? 1 : 0)
        notes.append(
          ValidationNote(
            stage: stage.key, step: number, markdown: scalar.string, location: keyLocation,
            stageLocation: file.location(of: stage.keyNode), firstLine: firstLine))
      }
    }
    if diagnostics.hasErrors { throw DiagnosticError(diagnostics) }
    self.notes = notes
  }

  /// `1 to 16`, or `1, 2, 1.1 and 1.2` when the numbers have gaps or sub-procedures.
  static func describe(_ numbers: [StepNumber]) -> String {
    guard let first = numbers.first, let last = numbers.last else { return "none" }
    let plain = numbers.compactMap { $0.procedure == nil ? $0.number : nil }
    if plain.count == numbers.count, plain == Array(first.number...last.number) {
      return first == last ? "\(first)" : "\(first) to \(last)"
    }
    return numbers.dropLast().map(\.description).joined(separator: ", ") + " and \(last)"
  }
}
