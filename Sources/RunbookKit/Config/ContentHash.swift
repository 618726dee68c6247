/// A short, stable hash of a file's text (64-bit FNV-1a), shown on the print page's cover so that
/// a printed runbook can be matched to the deployment file it was built from.
enum ContentHash {
  static func short(_ text: String) -> String { hex(fnv(text.utf8)) }
}

extension ContentHash {
  /// 64-bit FNV-1a of bytes, continuing from `seed`: what tells a rebuild that a file's inputs
  /// did not change. Stable across runs and machines (Swift's `Hasher` is seeded per process).
  static func fnv(_ bytes: some Sequence<UInt8>, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
    var hash = seed
    for byte in bytes {
      hash ^= UInt64(byte)
      hash &*= 0x100_0000_01b3
    }
    return hash
  }

  /// `hash` continued with the eight bytes of `value`: how keys are combined.
  static func fnv(_ value: UInt64, seed: UInt64) -> UInt64 {
    withUnsafeBytes(of: value.littleEndian) { fnv($0, seed: seed) }
  }

  /// `hash` as 16 hex digits.
  static func hex(_ hash: UInt64) -> String {
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}
