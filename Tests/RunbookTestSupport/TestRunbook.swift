import Foundation

/// The project's own runbook, copied where a test may change it, and the tools tests run.
public enum TestRunbook {
  /// The repository's root, found from this file's path.
  public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// Content/ and Templates/ copied to a new temporary folder; with `output`, an Output/ holding
  /// a `.gitkeep` as in the repository. The caller removes the folder.
  public static func copy(output: Bool = false) throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "runbook-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    for folder in ["Content", "Templates"] {
      try FileManager.default.copyItem(
        at: repositoryRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
    }
    if output {
      try FileManager.default.createDirectory(
        at: root.appendingPathComponent("Output"), withIntermediateDirectories: true)
      _ = FileManager.default.createFile(
        atPath: root.appendingPathComponent("Output/.gitkeep").path, contents: Data())
    }
    return root
  }

  /// The values of one of the project's deployment files (`Content/deployments/NAME.yml`), read
  /// from its `  key: value` lines: tests name values by reading them, never by retyping them.
  public static func deploymentValues(_ name: String) throws -> [String: String] {
    let text = try String(
      contentsOf: repositoryRoot.appendingPathComponent("Content/deployments/\(name).yml"),
      encoding: .utf8)
    var values: [String: String] = [:]
    for line in text.split(separator: "\n") where line.hasPrefix("  ") && !line.hasPrefix("  #") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let key = line[..<colon].trimmingCharacters(in: .whitespaces)
      let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      values[key] = value.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
    return values
  }

  /// The path of an executable on PATH, or nil.
  public static func executable(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }
}
