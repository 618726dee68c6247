/// Finds the sample names of a runbook in text, byte by byte.
///
/// Built once per runbook and shared by every deployment. Matching is case-insensitive (ASCII),
/// on whole tokens: letters, digits, `_` and non-ASCII bytes form a token, anything else
/// (`$ . \ / @ , =` and spaces among them) ends one. At each position the longest sample wins,
/// so `contoso.com` is taken before `contoso`, and the scan moves past a match, so a value is
/// never substituted again.
public struct SampleMatcher: Sendable {
  struct Sample: Sendable {
    /// Lower-cased bytes.
    var bytes: [UInt8]
    /// The value it belongs to.
    var value: ValueIndex
    /// When not empty, the sample counts only right after one of these (lower-cased bytes):
    /// `SharePoint` the account after `contoso\`, not SharePoint the product.
    var after: [[UInt8]] = []
  }

  public struct Match: Sendable, Equatable {
    /// Byte offsets into the UTF-8 text.
    public var range: Range<Int>
    /// The value, in the order the matcher was given them.
    public var value: ValueIndex
  }

  /// Samples by their lower-cased first byte, longest first.
  private var buckets: [[Sample]] = Array(repeating: [], count: 256)
  public let samples: [(sample: String, value: ValueIndex)]

  /// - Parameter samples: for each value, the sample names it replaces.
  public init(samples valueSamples: [[String]]) {
    self.init(samples: valueSamples, contexts: [])
  }

  /// The samples of the runbook's secret values only: the sample passwords, which nothing may
  /// put on a page.
  public static func passwords(of values: [ValueSpec]) -> SampleMatcher {
    SampleMatcher(samples: values.map { $0.kind == .secret ? $0.samples : [] })
  }

  /// The samples of a runbook's values, with the contexts some of them need.
  public init(values: [ValueSpec]) {
    self.init(samples: values.map(\.samples), contexts: values.map(\.contexts))
  }

  /// - Parameter contexts: for each value, the texts that must stand before a sample for it to
  ///   count, by sample; a sample not named there counts anywhere.
  public init(samples valueSamples: [[String]], contexts: [[String: [String]]]) {
    var all: [(String, ValueIndex)] = []
    for (position, samples) in valueSamples.enumerated() {
      let value = ValueIndex(position)
      for sample in samples where !sample.isEmpty {
        all.append((sample, value))
        let bytes = sample.utf8.map(Self.lower)
        let after = (position < contexts.count ? contexts[position][sample] ?? [] : []).map {
          $0.utf8.map(Self.lower)
        }
        buckets[Int(bytes[0])].append(Sample(bytes: bytes, value: value, after: after))
      }
    }
    for index in buckets.indices {
      buckets[index].sort { $0.bytes.count > $1.bytes.count }
    }
    samples = all
  }

  /// Every whole-token match in `text`, left to right, never overlapping.
  public func matches(in text: String) -> [Match] {
    var text = text
    return text.withUTF8 { matches(in: $0, wholeTokens: true) }
  }

  /// Every occurrence of a sample, even inside a longer word: what the leftover gate looks for.
  public func occurrences(in text: String) -> [Match] {
    var text = text
    return text.withUTF8 { matches(in: $0, wholeTokens: false) }
  }

  func matches(in bytes: UnsafeBufferPointer<UInt8>, wholeTokens: Bool) -> [Match] {
    var result: [Match] = []
    var index = 0
    let count = bytes.count
    while index < count {
      if wholeTokens && index > 0 && Self.isTokenByte(bytes[index - 1]) {
        index += 1
        continue
      }
      let candidates = buckets[Int(Self.lower(bytes[index]))]
      var matched: Sample?
      if !candidates.isEmpty {
        for sample in candidates where sample.bytes.count <= count - index {
          var equal = true
          for offset in 1..<sample.bytes.count
          where Self.lower(bytes[index + offset]) != sample.bytes[offset] {
            equal = false
            break
          }
          let end = index + sample.bytes.count
          if equal && (!wholeTokens || end == count || !Self.isTokenByte(bytes[end]))
            && (sample.after.isEmpty
              || sample.after.contains { Self.bytes(bytes, before: index, endWith: $0) })
          {
            matched = sample
            break
          }
        }
      }
      if let matched {
        result.append(Match(range: index..<(index + matched.bytes.count), value: matched.value))
        index += matched.bytes.count
      } else {
        index += 1
      }
    }
    return result
  }

  static func bytes(_ bytes: UnsafeBufferPointer<UInt8>, before index: Int, endWith suffix: [UInt8])
    -> Bool
  {
    guard suffix.count <= index else { return false }
    for offset in suffix.indices where lower(bytes[index - suffix.count + offset]) != suffix[offset]
    { return false }
    return true
  }

  @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
  }

  /// Letters, digits, `_`, and any byte of a non-ASCII character.
  @inline(__always) static func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F, 0x80...0xFF: return true
    default: return false
    }
  }
}
