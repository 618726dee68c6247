import Foundation

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

  /// Writes the template as `NAME.yml` in `folder`, never over a file that exists; returns the
  /// file written.
  ///
  /// - Parameter display: how diagnostics show a path.
  public func write(into folder: URL, display: (URL) -> String) throws(DiagnosticError) -> URL {
    let file = folder.appendingPathComponent("\(name).yml")
    guard Deployment.isValidID(name) else {
      throw DiagnosticError([
        .error(
          at: SourceLocation(path: display(file)), "'\(name)' cannot name a deployment",
          fix:
            "use letters, digits, '-', '_' and '.', starting with a letter or digit (it becomes a folder name)"
        )
      ])
    }
    guard !Deployment.reservedIDs.contains(name.lowercased()) else {
      throw DiagnosticError([
        .error(
          at: SourceLocation(path: display(file)),
          "'\(name)' is a name the output folder uses for itself",
          fix:
            "pick another name: \(Deployment.reservedIDs.sorted().joined(separator: ", ")) are taken"
        )
      ])
    }
    // `NAME.yaml` would give the same site as `NAME.yml`.
    let twin = folder.appendingPathComponent("\(name).yaml")
    for existing in [file, twin] where FileManager.default.fileExists(atPath: existing.path) {
      throw DiagnosticError([
        .error(
          at: SourceLocation(path: display(existing)), "the file exists already",
          fix: "pick another name, or edit that file")
      ])
    }
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try Data(text.utf8).write(to: file, options: .withoutOverwriting)
    } catch {
      throw DiagnosticError([
        .error(
          at: SourceLocation(path: display(file)),
          "cannot write the file: \(ErrorReason.of(error))",
          fix: "check that the folder is writable")
      ])
    }
    return file
  }
}
