import Foundation

/// A placeholder for one of a deployment's values while the runbook is rendered once.
///
/// Private-use characters between two markers: cmark, mustache and HTML escaping leave them as
/// they are, except in URLs, where cmark percent-encodes them (`%EE%80%80`).
enum Hole: Hashable, Sendable {
  case value(ValueIndex)
  case name, id, hash

  static let open = "\u{E000}", close = "\u{E001}"

  var text: String {
    switch self {
    case .value(let index): return Self.open + String(index.position) + Self.close
    case .name: return Self.open + "n" + Self.close
    case .id: return Self.open + "i" + Self.close
    case .hash: return Self.open + "h" + Self.close
    }
  }

  init?(code: Substring) {
    switch code {
    case "n": self = .name
    case "i": self = .id
    case "h": self = .hash
    default:
      guard let position = Int(code) else { return nil }
      self = .value(ValueIndex(position))
    }
  }
}

/// A file of the compiled site: literal bytes with holes for a deployment's values.
public struct CompiledFile: Sendable {
  enum Piece: Sendable {
    case bytes(Data)
    /// A value; `url` when it stands inside a URL that cmark percent-encoded.
    case hole(Hole, url: Bool)
  }

  public let path: String
  let pieces: [Piece]
  /// A hash of the rendered file, holes included: equal for two builds that would fill it the
  /// same way for the same deployment.
  public let contentHash: UInt64

  init(path: String, data: Data) {
    self.path = path
    pieces = [.bytes(data)]
    contentHash = ContentHash.fnv(data)
  }

  /// Splits rendered HTML at its holes.
  init(path: String, compiling data: Data) {
    self.path = path
    contentHash = ContentHash.fnv(data)
    let bytes = [UInt8](data)
    let raw = Array(Hole.open.utf8), rawClose = Array(Hole.close.utf8)
    let encoded = Array("%EE%80%80".utf8), encodedClose = Array("%EE%80%81".utf8)
    var pieces: [Piece] = []
    var start = 0
    var index = 0
    func matches(_ pattern: [UInt8], at position: Int) -> Bool {
      position + pattern.count <= bytes.count
        && bytes[position..<(position + pattern.count)].elementsEqual(pattern)
    }
    while index < bytes.count {
      let byte = bytes[index]
      guard byte == 0xEE || byte == UInt8(ascii: "%") else {
        index += 1
        continue
      }
      let url = byte == UInt8(ascii: "%")
      let (opening, closing) = url ? (encoded, encodedClose) : (raw, rawClose)
      guard matches(opening, at: index) else {
        index += 1
        continue
      }
      var end = index + opening.count
      while end < bytes.count && !matches(closing, at: end) && end - index < 32 { end += 1 }
      let code = String(
        decoding: bytes[(index + opening.count)..<min(end, bytes.count)], as: UTF8.self)
      guard matches(closing, at: end), let hole = Hole(code: Substring(code)) else {
        index += 1
        continue
      }
      if index > start { pieces.append(.bytes(Data(bytes[start..<index]))) }
      pieces.append(.hole(hole, url: url))
      index = end + closing.count
      start = index
    }
    if start < bytes.count { pieces.append(.bytes(Data(bytes[start...]))) }
    self.pieces = pieces
  }

  /// A file without holes is the same in every site.
  public var isShared: Bool {
    if pieces.count == 1, case .bytes = pieces[0] { return true }
    return pieces.isEmpty
  }

  /// The bytes of a file without holes.
  public var sharedData: Data? {
    if pieces.count == 1, case .bytes(let data) = pieces[0] { return data }
    return pieces.isEmpty ? Data() : nil
  }

  /// The file for one deployment, each value escaped for where it stands.
  func filled(with values: [String], name: String, id: String, hash: String) -> Data {
    if case .bytes(let data) = pieces.first, pieces.count == 1 { return data }
    var output = Data()
    output.reserveCapacity(
      pieces.reduce(0) { total, piece in
        if case .bytes(let data) = piece { return total + data.count } else { return total + 32 }
      })
    for piece in pieces {
      switch piece {
      case .bytes(let data):
        output.append(data)
      case .hole(let hole, let url):
        let text: String
        switch hole {
        case .value(let index): text = index.position < values.count ? values[index.position] : ""
        case .name: text = name
        case .id: text = id
        case .hash: text = hash
        }
        output.append(contentsOf: url ? Self.hrefEscaped(text) : Array(text.htmlEscaped.utf8))
      }
    }
    return output
  }

  /// cmark's escaping of URLs in `href` and `src`: the bytes it percent-encodes, `&` and `'` as
  /// entities.
  static func hrefEscaped(_ text: String) -> [UInt8] {
    let hex = Array("0123456789ABCDEF".utf8)
    var result: [UInt8] = []
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"):
        result.append(byte)
      case _ where Array("-_.+!*(),%#@?=;:/$~".utf8).contains(byte):
        result.append(byte)
      case UInt8(ascii: "&"):
        result += Array("&amp;".utf8)
      case UInt8(ascii: "'"):
        result += Array("&#x27;".utf8)
      default:
        result += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
      }
    }
    return result
  }
}

/// The runbook rendered once for every deployment to fill: what makes a batch of a thousand fast.
public struct CompiledSite: Sendable {
  public let runbookTitle: String
  let definition: RunbookDefinition
  /// The sample passwords, matched once per runbook and looked for in every deployment's values.
  let passwords: SampleMatcher
  public let files: [CompiledFile]
  public let stageCount: Int
  public let stepCount: Int
  /// Problems of the pages and templates, the same for every deployment.
  public internal(set) var diagnostics: [Diagnostic]

  /// One deployment's site, with its own diagnostics only (those of the pages are in
  /// `diagnostics`): an error when a value holds a sample password, the one thing about the
  /// output a value can change.
  public func fill(_ deployment: Deployment) -> DeploymentSite {
    let values = definition.values.map { deployment.values[$0.key] ?? "" }
    var diagnostics: [Diagnostic] = []
    for (spec, value) in zip(definition.values, values) {
      if let found = passwords.occurrences(in: value).first {
        let sample = String(decoding: Array(value.utf8)[found.range], as: UTF8.self)
        diagnostics.append(
          .error(
            at: deployment.location(of: spec.key),
            "the value of '\(spec.key)' holds the sample password '\(sample)'",
            fix: "a sample password never goes on a page: give where the real password is kept"))
      }
    }
    let inputs = Self.inputsHash(of: deployment)
    let files = files.map { file in
      SiteFile(
        path: file.path,
        data: file.filled(
          with: values, name: deployment.name, id: deployment.id, hash: deployment.fileHash),
        shared: file.isShared, key: Self.key(file, inputs: inputs))
    }
    return DeploymentSite(
      deployment: deployment, runbookTitle: runbookTitle, files: files, stageCount: stageCount,
      stepCount: stepCount,
      diagnostics: diagnostics, key: key(for: deployment))
  }

  /// Changes whenever what fills a file could change: the output's format, and what the
  /// deployment's file holds (values, name, choices) and its id.
  private static let format = "runbook-site-1"

  private static func inputsHash(of deployment: Deployment) -> UInt64 {
    ContentHash.fnv("\(format)\n\(deployment.id)\n\(deployment.fileHash)".utf8)
  }

  /// A file's key: its compiled bytes and, unless it is the same for everyone, the deployment.
  private static func key(_ file: CompiledFile, inputs: UInt64) -> String {
    ContentHash.hex(
      file.isShared
        ? file.contentHash
        : ContentHash.fnv(file.contentHash, seed: inputs))
  }

  /// The key of a deployment's whole site: equal only when every file would be the same, so a
  /// site that holds it needs no writing at all.
  public func key(for deployment: Deployment) -> String {
    var hash = Self.inputsHash(of: deployment)
    for file in files {
      hash = ContentHash.fnv(file.path.utf8, seed: hash)
      hash = ContentHash.fnv(file.contentHash, seed: hash)
    }
    return ContentHash.hex(hash)
  }
}
