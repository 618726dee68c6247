/// A short, stable hash of a file's text (64-bit FNV-1a), shown on the print page's cover so that
/// a printed runbook can be matched to the deployment file it was built from.
enum ContentHash {
  static func short(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash &*= 0x100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}
