/// The last check before a site is written, on the finished HTML: no sample password or other
/// secret sample anywhere in a file, and no sample name in the visible text outside a value.
///
/// The tree-level check in `PageRenderer` names the page line a leftover came from, and the
/// definition checks its own descriptions; this one covers what templates put on the pages. It
/// runs once per runbook, on the compiled pages, so it speaks of templates, not of a deployment.
struct OutputGate {
  let matcher: SampleMatcher
  let definition: RunbookDefinition

  /// - Parameter templates: the templates folder, as diagnostics show it.
  func check(_ files: [SiteFile], templates: String) -> [Diagnostic] {
    let secretSamples = SampleMatcher.passwords(of: definition.values)
    let secretKeys = definition.values.filter { $0.kind == .secret }.map(\.key)
    var diagnostics: [Diagnostic] = []
    for file in files where file.path.hasSuffix(".html") {
      let template = Self.template(of: file.path)
      let at = SourceLocation(path: "\(templates)/\(template)")
      let found = file.data.withUnsafeBytes { raw in
        let bytes = raw.bindMemory(to: UInt8.self)
        return (secretSamples.matches(in: bytes, wholeTokens: false), visibleLeftovers(bytes))
      }
      if let secret = found.0.first {
        diagnostics.append(
          .error(
            at: at,
            "the page \(file.path) holds the sample password '\(secretSamples.samples.first { $0.value == secret.value }?.sample ?? "")'",
            fix:
              "a sample password must always be replaced: list it under the samples of \(secretKeys.joined(separator: " or ")) in \(definition.path)"
          ))
      }
      for sample in Set(found.1).sorted() {
        diagnostics.append(
          .error(
            at: at,
            "the page \(file.path) shows the sample name '\(sample)' outside a substituted value",
            fix:
              "write \(template) without sample names, or list the whole name under 'keep:' in \(definition.path) if it is not a sample"
          ))
      }
    }
    return diagnostics
  }

  /// Sample names in the text a reader sees: outside tags, scripts, styles and value spans.
  private func visibleLeftovers(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
    var found: [String] = []
    var index = 0
    var textStart = 0
    func scanText(upTo end: Int) {
      guard end > textStart else { return }
      let slice = UnsafeBufferPointer(rebasing: bytes[textStart..<end])
      for match in matcher.matches(in: slice, wholeTokens: true) {
        found.append(String(decoding: slice[match.range], as: UTF8.self))
      }
    }
    while index < bytes.count {
      guard bytes[index] == UInt8(ascii: "<") else {
        index += 1
        continue
      }
      scanText(upTo: index)
      let skipTo: [UInt8]?
      if Self.ownWords.contains(where: { Self.startsWith(bytes, at: index, $0) }) {
        // Values, and the deployment's own name and file, are the operator's words, not the docs'.
        skipTo = Array("</span>".utf8)
      } else if Self.startsWith(bytes, at: index, "<head>") {
        skipTo = Array("</head>".utf8)
      } else if Self.startsWith(bytes, at: index, "<script") {
        skipTo = Array("</script>".utf8)
      } else if Self.startsWith(bytes, at: index, "<style") {
        skipTo = Array("</style>".utf8)
      } else {
        skipTo = nil
      }
      if let skipTo {
        while index < bytes.count && !Self.startsWith(bytes, at: index, skipTo) { index += 1 }
        index += skipTo.count
      } else {
        while index < bytes.count && bytes[index] != UInt8(ascii: ">") { index += 1 }
        index += 1
      }
      textStart = min(index, bytes.count)
    }
    scanText(upTo: bytes.count)
    return found
  }

  /// The template a page of the site comes from.
  static func template(of path: String) -> String {
    switch path {
    case "index.html": return "overview.mustache"
    case "print.html": return "print.mustache"
    case "search.html": return "search.mustache"
    default: return "stage.mustache"
    }
  }

  /// Elements whose text is the deployment's own: never a leftover, whatever it holds.
  private static let ownWords = [
    PageValue.openTagStart, "<span class=\"deployment-name\"", "<span class=\"deployment-file\"",
  ].map { Array($0.utf8) }

  private static func startsWith(
    _ bytes: UnsafeBufferPointer<UInt8>, at index: Int, _ prefix: String
  ) -> Bool {
    startsWith(bytes, at: index, Array(prefix.utf8))
  }

  private static func startsWith(
    _ bytes: UnsafeBufferPointer<UInt8>, at index: Int, _ prefix: [UInt8]
  ) -> Bool {
    guard index + prefix.count <= bytes.count else { return false }
    for offset in prefix.indices where bytes[index + offset] != prefix[offset] { return false }
    return true
  }
}
