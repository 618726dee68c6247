import Foundation

/// A step's first words, for the list of steps beside a stage and the name of its tick box.
///
/// The text of the step's first paragraph with every tag dropped except value spans, which stay
/// whole: a value is still marked (and the output gate still knows it for the operator's own
/// word), and a value's placeholder is never cut. Cut after `limit` characters at a space
/// outside a value, with "…"; a value counts as `valueWidth` characters, whatever it holds.
enum StepSummary {
  /// What a value counts for against the limit.
  static let valueWidth = 10

  /// How many characters a summary shows before it is cut.
  static let limit = 80

  static func html(of stepHTML: String, limit: Int = StepSummary.limit) -> String {
    words(of: firstParagraph(of: stepHTML), limit: limit)
  }

  /// All of a step's (or a note's) words, value spans kept: what search looks through.
  static func text(of html: String) -> String {
    words(of: Substring(html), limit: .max)
  }

  static func words(of paragraph: Substring, limit: Int) -> String {
    var result = ""
    var visible = 0
    // For each open span: whether it is a value span, kept in the summary.
    var spans: [Bool] = []
    var index = paragraph.startIndex
    while index < paragraph.endIndex {
      let character = paragraph[index]
      if character == "<" {
        let end =
          paragraph[index...].firstIndex(of: ">") ?? paragraph.index(before: paragraph.endIndex)
        let tag = paragraph[index...end]
        if tag.hasPrefix("<span") {
          let isValue = tag.hasPrefix(PageValue.openTagStart)
          spans.append(isValue)
          if isValue {
            result += tag
            // A value counts the same whatever it holds: the cut must not depend on a
            // deployment's values, so that every deployment's site is the compiled one filled.
            visible += valueWidth
          }
        } else if tag == "</span>" {
          if spans.popLast() == true { result += tag }
        }
        index = paragraph.index(after: end)
        continue
      }
      let insideValue = spans.contains(true)
      if character.isWhitespace && !insideValue {
        if visible >= limit {
          result += "…"
          break
        }
        if !result.isEmpty && !(result.last?.isWhitespace ?? true) { result += " " }
      } else {
        result.append(character)
      }
      if character == "&", !insideValue {
        // An entity is one character on the page.
        let end = paragraph[index...].firstIndex(of: ";") ?? index
        result += paragraph[paragraph.index(after: index)..<paragraph.index(after: end)]
        index = paragraph.index(after: end)
        visible += 1
        continue
      }
      if !insideValue { visible += 1 }
      index = paragraph.index(after: index)
    }
    return result.trimmingCharacters(in: .whitespaces)
  }

  /// The step's first words: its text before its first block, or else the content of its first
  /// paragraph or list item (a step may open with a list of points).
  static func firstParagraph(of html: String) -> Substring {
    let blocks = ["<pre", "<ul", "<ol", "<div", "<table", "<p>", "<blockquote", "<h", "<li>"]
    let closers = ["</p>", "</li>", "<ul", "<ol", "<pre", "<div", "<table", "<p>"]
    // One pass over the bytes per search: every mark starts with '<', so the first '<' that
    // starts any of them is the earliest of their first occurrences. (Foundation's
    // `range(of:)` per mark was half of compiling a site.)
    func index(_ offset: Int) -> String.Index {
      html.utf8.index(html.utf8.startIndex, offsetBy: offset)
    }
    func first(_ marks: [String], from start: Int) -> (at: Int, end: Int)? {
      var html = html
      return html.withUTF8 { bytes in
        var position = start
        while position < bytes.count {
          if bytes[position] == UInt8(ascii: "<") {
            for mark in marks {
              let count = mark.utf8.count
              if position + count <= bytes.count,
                mark.utf8.elementsEqual(bytes[position..<(position + count)])
              {
                return (position, position + count)
              }
            }
          }
          position += 1
        }
        return nil
      }
    }
    let leading = first(blocks, from: 0).map { index($0.at) } ?? html.endIndex
    if !html[..<leading].allSatisfy(\.isWhitespace) { return html[..<leading] }
    guard let opening = first(["<p>", "<li>"], from: 0) else { return "" }
    let end = first(closers, from: opening.end).map { index($0.at) } ?? html.endIndex
    return html[index(opening.end)..<end]
  }
}
