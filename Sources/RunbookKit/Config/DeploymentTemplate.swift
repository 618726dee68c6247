/// The deployment file `runbook init` writes: every value, with its description, its kind and the
/// sample it replaces as comments, waiting to be filled in.
public struct DeploymentTemplate: Sendable {
  public let definition: RunbookDefinition
  public let name: String

  public init(definition: RunbookDefinition, name: String) {
    self.definition = definition
    self.name = name
  }

  public var text: String {
    var lines = [
      "# Deployment values for \(definition.title).",
      "# Fill in every value; 'runbook check' says what is missing or malformed.",
      "name: \(name)",
      "values:",
    ]
    for spec in definition.values {
      lines.append(
        "  # \(spec.description) (\(spec.kind.rawValue); replaces \(spec.samples.joined(separator: ", ")))"
      )
      if spec.kind == .secret {
        lines.append(
          "  # Where the password is kept, never the password: \"vault://...\" or \"KeePass: ...\"")
      }
      lines.append("  \(spec.key): \"\"")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
