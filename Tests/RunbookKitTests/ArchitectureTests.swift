import Foundation
import Testing

/// The folders of RunbookKit are the pipeline, and arrows go one way (README, "Architecture").
@Suite struct ArchitectureTests {
  /// Each folder, with the folders whose types it may name.
  static let rule: [(folder: String, mayUse: Set<String>)] = [
    ("Diagnostics", []),
    ("Record", ["Diagnostics"]),
    ("Config", ["Diagnostics"]),
    ("Content", ["Diagnostics", "Config"]),
    ("Markdown", ["Diagnostics", "Record", "Config", "Content"]),
    ("Render", ["Diagnostics", "Record", "Config", "Content", "Markdown"]),
    ("Site", ["Diagnostics", "Record", "Config", "Content", "Markdown", "Render"]),
    ("Output", ["Diagnostics", "Record", "Config", "Content", "Markdown", "Render"]),
    ("Serve", ["Diagnostics", "Record", "Config", "Content", "Markdown", "Render", "Site"]),
  ]

  /// Every place a file names a type declared in a folder it may not use, as
  /// `Folder/File.swift: Folder uses Type (OtherFolder)`.
  static func violations(_ sources: [(folder: String, file: String, text: String)]) -> [String] {
    let declaration =
      #/(?m)^(?:(?:public|internal|private|fileprivate|final|indirect)\s+)*(?:struct|class|enum|protocol|typealias|actor)\s+(\w+)/#
    // Comments and string literals name types without using them.
    let stripped = sources.map { source in
      (
        source.folder, source.file,
        source.text.replacing(#/\/\/[^\n]*/#, with: "").replacing(
          #/"(?:[^"\\\n]|\\.)*"/#, with: "\"\"")
      )
    }
    var owner: [String: String] = [:]
    for (folder, _, text) in stripped {
      for match in text.matches(of: declaration) {
        owner[String(match.output.1)] = folder
      }
    }
    let allowed = Dictionary(uniqueKeysWithValues: rule.map { ($0.folder, $0.mayUse) })
    var found: [String] = []
    for (folder, file, text) in stripped {
      let names = Set(text.matches(of: #/\b[A-Z][A-Za-z0-9_]*/#).map { String($0.output) })
      for name in names.sorted() {
        guard let home = owner[name], home != folder, !(allowed[folder]?.contains(home) ?? false)
        else { continue }
        found.append("\(folder)/\(file): \(folder) uses \(name) (\(home))")
      }
    }
    return found.sorted()
  }

  static func sources() throws -> [(folder: String, file: String, text: String)] {
    let base = repositoryRoot.appendingPathComponent("Sources/RunbookKit")
    var sources: [(String, String, String)] = []
    for folder in rule.map(\.folder) {
      let url = base.appendingPathComponent(folder)
      for file in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
      where file.hasSuffix(".swift") {
        let text = try String(contentsOf: url.appendingPathComponent(file), encoding: .utf8)
        sources.append((folder, file, text))
      }
    }
    return sources
  }

  @Test func everyFolderUsesOnlyTheFoldersBeforeIt() throws {
    let folders = try FileManager.default.contentsOfDirectory(
      atPath: repositoryRoot.appendingPathComponent("Sources/RunbookKit").path)
    #expect(Set(folders) == Set(Self.rule.map(\.folder)), "a folder the rule does not list")
    let found = Self.violations(try Self.sources())
    #expect(found == [], "\(found)")
  }

  @Test func aTypeNamedAgainstTheRuleIsReported() {
    let sources = [
      ("Content", "Runbook.swift", "struct Runbook { var links: LinkResolver } // PageOutline"),
      ("Markdown", "LinkResolver.swift", "struct LinkResolver { let text = \"Runbook\" }"),
      ("Output", "Writer.swift", "struct Writer { let build: SiteBuilder }"),
      ("Site", "SiteBuilder.swift", "struct SiteBuilder { let links: LinkResolver }"),
      ("Markdown", "PageOutline.swift", "public struct PageOutline {}"),
    ]
    #expect(
      Self.violations(sources) == [
        "Content/Runbook.swift: Content uses LinkResolver (Markdown)",
        "Output/Writer.swift: Output uses SiteBuilder (Site)",
      ])
  }
}
