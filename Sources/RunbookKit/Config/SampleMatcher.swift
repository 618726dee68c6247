/// Finds the sample names of a runbook in text, byte by byte: the one matcher of substitution and
/// of the gates that look for a sample left on a page.
///
/// Token rule (README, "Sample names"): a sample matches only where the characters on both sides
/// are not word characters, that is letters, digits and marks of any script by their Unicode
/// category, and `_`. So `é` or `ß` continue a word, while curly quotes, no-break spaces, dashes,
/// ellipses, guillemets, CJK punctuation and every other punctuation or space end one. Matching is
/// case-insensitive (ASCII letters) unless the sample says `case: exact`. At each position the
/// longest sample wins, so `contoso.com` is taken before `contoso`, and the scan moves past a
/// match, so a value is never substituted again. Names the runbook keeps (`keep:`) are matched like
/// samples and then left as they are, so no shorter sample is found inside them.
public struct SampleMatcher: Sendable {
  struct Sample: Sendable {
    /// Lower-cased bytes, or the bytes as written for an exact-case sample.
    var bytes: [UInt8]
    /// The value it belongs to; nil for a name the runbook keeps.
    var value: ValueIndex?
    var exactCase: Bool
    /// When not empty, the sample counts only right after one of these (lower-cased bytes):
    /// `SharePoint` the account after `contoso\`, not SharePoint the product.
    var after: [[UInt8]] = []
  }

  public struct Match: Sendable, Equatable {
    /// Byte offsets into the UTF-8 text.
    public var range: Range<Int>
    /// The value, in the order the matcher was given them.
    public var value: ValueIndex

    public init(range: Range<Int>, value: ValueIndex) {
      self.range = range
      self.value = value
    }
  }

  /// Samples by their lower-cased first byte, longest first.
  private let buckets: [[Sample]]
  public let samples: [(sample: String, value: ValueIndex)]

  /// - Parameter samples: for each value, the sample names it replaces.
  public init(samples valueSamples: [[String]]) {
    self.init(
      samples: valueSamples, contexts: [],
      exactCase: Array(repeating: [], count: valueSamples.count),
      keep: [])
  }

  /// The samples of the runbook's secret values only: the sample passwords, which nothing may
  /// put on a page.
  public static func passwords(of values: [ValueSpec]) -> SampleMatcher {
    SampleMatcher(samples: values.map { $0.kind == .secret ? $0.samples : [] })
  }

  /// The samples of a runbook's values, with the contexts and cases some of them need, and the
  /// names the runbook keeps as written.
  public init(values: [ValueSpec], keep: [String] = []) {
    self.init(
      samples: values.map(\.samples), contexts: values.map(\.contexts),
      exactCase: values.map(\.exactCase), keep: keep)
  }

  /// - Parameters:
  ///   - contexts: for each value, the texts that must stand before a sample for it to count, by
  ///     sample; a sample not named there counts anywhere.
  ///   - exactCase: for each value, its samples that match only as written.
  ///   - keep: names left as written, whatever samples they hold.
  init(
    samples valueSamples: [[String]], contexts: [[String: [String]]], exactCase: [Set<String>],
    keep: [String]
  ) {
    var all: [(String, ValueIndex)] = []
    var buckets: [[Sample]] = Array(repeating: [], count: 256)
    func add(_ sample: Sample) { buckets[Int(Self.lower(sample.bytes[0]))].append(sample) }
    for (position, samples) in valueSamples.enumerated() {
      let value = ValueIndex(position)
      for sample in samples where !sample.isEmpty {
        all.append((sample, value))
        let exact = position < exactCase.count && exactCase[position].contains(sample)
        let after = (position < contexts.count ? contexts[position][sample] ?? [] : []).map {
          $0.utf8.map(Self.lower)
        }
        add(
          Sample(
            bytes: Self.bytes(sample, exact: exact), value: value, exactCase: exact, after: after))
      }
    }
    for name in keep where !name.isEmpty {
      add(Sample(bytes: Self.bytes(name, exact: false), value: nil, exactCase: false))
    }
    for index in buckets.indices {
      buckets[index].sort { $0.bytes.count > $1.bytes.count }
    }
    self.buckets = buckets
    samples = all
  }

  private static func bytes(_ text: String, exact: Bool) -> [UInt8] {
    exact ? Array(text.utf8) : text.utf8.map(lower)
  }

  /// Every whole-token match in `text`, left to right, never overlapping.
  public func matches(in text: String) -> [Match] {
    var text = text
    return text.withUTF8 { matches(in: $0, wholeTokens: true) }
  }

  /// Every occurrence of a sample, even inside a longer word: what the sample-password gate looks
  /// for, since a password must never reach a page in any form.
  public func occurrences(in text: String) -> [Match] {
    var text = text
    return text.withUTF8 { matches(in: $0, wholeTokens: false) }
  }

  func matches(in bytes: UnsafeBufferPointer<UInt8>, wholeTokens: Bool) -> [Match] {
    var result: [Match] = []
    var index = 0
    let count = bytes.count
    while index < count {
      // A match starts a token: a word character before it means it would start inside a word.
      // UTF-8 continuation bytes never start a character.
      if bytes[index] & 0xC0 == 0x80
        || wholeTokens && index > 0 && Self.isWordCharacter(bytes, endingAt: index)
      {
        index += 1
        continue
      }
      var matched: Sample?
      for sample in buckets[Int(Self.lower(bytes[index]))]
      where sample.bytes.count <= count - index {
        var equal = true
        for offset in 0..<sample.bytes.count {
          let byte = bytes[index + offset]
          if (sample.exactCase ? byte : Self.lower(byte)) != sample.bytes[offset] {
            equal = false
            break
          }
        }
        let end = index + sample.bytes.count
        if equal && (!wholeTokens || end == count || !Self.isWordCharacter(bytes, startingAt: end))
          && (sample.after.isEmpty
            || sample.after.contains { Self.bytes(bytes, before: index, endWith: $0) })
        {
          matched = sample
          break
        }
      }
      if let matched {
        if let value = matched.value {
          result.append(Match(range: index..<(index + matched.bytes.count), value: value))
        }
        index += matched.bytes.count
      } else {
        index += 1
      }
    }
    return result
  }

  /// Dotted names in `text` (labels of word characters joined by single dots) in which a sample
  /// matched while some label is covered by no match: `mail.contoso.com` when only `contoso.com`
  /// is a sample, so that no name on a page is half the deployment's and half the docs'.
  /// `corpsql.contoso.com`, where every label is a sample's, is whole. Returns each such name with
  /// the byte offset where it starts.
  public func halfReplacedNames(in text: String, matches: [Match]) -> [(name: String, offset: Int)]
  {
    guard !matches.isEmpty else { return [] }
    var text = text
    return text.withUTF8 { bytes in
      var names: [(String, Int)] = []
      var covered = Array(repeating: false, count: bytes.count)
      for match in matches { for index in match.range { covered[index] = true } }
      var seenUpTo = 0
      for match in matches where match.range.lowerBound >= seenUpTo {
        var start = match.range.lowerBound
        var end = match.range.upperBound
        // Left: `label.` before the match; right: `.label` after it.
        while start >= 2 && bytes[start - 1] == UInt8(ascii: ".")
          && Self.isWordCharacter(bytes, endingAt: start - 1)
        {
          var label = start - 1
          while label > 0 && Self.isWordCharacter(bytes, endingAt: label) {
            label -= 1
            while label > 0 && bytes[label] & 0xC0 == 0x80 { label -= 1 }
          }
          start = label
        }
        while end + 1 < bytes.count && bytes[end] == UInt8(ascii: ".")
          && Self.isWordCharacter(bytes, startingAt: end + 1)
        {
          var label = end + 1
          while label < bytes.count && Self.isWordCharacter(bytes, startingAt: label) {
            label += 1
            while label < bytes.count && bytes[label] & 0xC0 == 0x80 { label += 1 }
          }
          end = label
        }
        seenUpTo = end
        guard start < match.range.lowerBound || end > match.range.upperBound else { continue }
        let uncovered = (start..<end).contains { !covered[$0] && bytes[$0] != UInt8(ascii: ".") }
        if uncovered {
          names.append(
            (
              String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self),
              start
            ))
        }
      }
      return names
    }
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

  /// Whether the character that starts at `index` is a word character.
  static func isWordCharacter(_ bytes: UnsafeBufferPointer<UInt8>, startingAt index: Int) -> Bool {
    let byte = bytes[index]
    if byte < 0x80 { return isWordByte(byte) }
    return scalar(bytes, at: index).map(isWord) ?? false
  }

  /// Whether the character that ends just before `index` is a word character.
  static func isWordCharacter(_ bytes: UnsafeBufferPointer<UInt8>, endingAt index: Int) -> Bool {
    let byte = bytes[index - 1]
    if byte < 0x80 { return isWordByte(byte) }
    var start = index - 1
    while start > 0 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
    return scalar(bytes, at: start).map(isWord) ?? false
  }

  /// Letters, digits and `_` of ASCII.
  @inline(__always) static func isWordByte(_ byte: UInt8) -> Bool {
    switch byte {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F: return true
    default: return false
    }
  }

  /// Letters, numbers and marks of any script, by general category.
  static func isWord(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
      return true
    default:
      return scalar == "_"
    }
  }

  /// The scalar whose UTF-8 encoding starts at `index`; nil for malformed bytes.
  static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Unicode.Scalar? {
    var decoder = UTF8()
    var iterator = bytes[index...].makeIterator()
    if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar }
    return nil
  }
}
