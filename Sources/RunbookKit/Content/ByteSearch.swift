import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Finding text in text as UTF-8 bytes, with the C library's `memchr` and `memcmp`: Foundation's
/// `contains`/`range(of:)` and the standard library's generic `firstRange(of:)` cost far more,
/// and `serve` looks through every page on every edit.
enum ByteSearch {
  /// Whether `needle` occurs in `text`.
  static func contains(_ needle: String, in text: String) -> Bool {
    var text = text
    return text.withUTF8 { first(Array(needle.utf8), in: $0, from: 0) != nil }
  }

  /// The offset of the first `needle` in `bytes` at or after `start`.
  static func first(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int)
    -> Int?
  {
    guard let head = needle.first else { return start <= bytes.count ? start : nil }
    guard let base = bytes.baseAddress else { return nil }
    let last = bytes.count - needle.count
    var position = start
    return needle.withUnsafeBytes { pattern in
      // swift-format-ignore: NeverForceUnwrap
      // (the needle has a first byte, so its buffer has an address)
      let pattern = pattern.baseAddress!
      while position <= last {
        guard let hit = memchr(base + position, Int32(head), last - position + 1) else {
          return nil
        }
        let offset = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
        if memcmp(base + offset, pattern, needle.count) == 0 { return offset }
        position = offset + 1
      }
      return nil
    }
  }
}
