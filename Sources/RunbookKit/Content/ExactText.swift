/// Text compared and hashed as its bytes, for what keys the memo of `serve`.
///
/// Swift's `String` compares and hashes by canonical equivalence: an `é` written as one code
/// point equals an `e` followed by a combining accent. Rendering keeps the bytes it is given, so
/// a memo keyed by such text handed back the page rendered from the other spelling; and hashing
/// normalizes any text that is not ASCII each time, which was a tenth of an edit's rebuild.
enum ExactText {
  static func equal(_ first: String, _ second: String) -> Bool {
    var first = first
    var second = second
    return first.withUTF8 { one in
      second.withUTF8 { other in one.elementsEqual(other) }
    }
  }

  static func equal(_ first: String?, _ second: String?) -> Bool {
    switch (first, second) {
    case (nil, nil): return true
    case (let first?, let second?): return equal(first, second)
    default: return false
    }
  }

  static func hash(_ text: String, into hasher: inout Hasher) {
    var text = text
    text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    hasher.combine(text.utf8.count)
  }

  static func hash(_ text: String?, into hasher: inout Hasher) {
    if let text { hash(text, into: &hasher) } else { hasher.combine(-1) }
  }
}
