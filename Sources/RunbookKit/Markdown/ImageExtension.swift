internal import Ccmark
import Foundation

/// DocFX's image extension, `:::image type="content" source="media/x.png" alt-text="...":::`,
/// which cmark reads as a paragraph of text: it becomes a real image node, so that substitution
/// reaches its alt text and missing files are reported like any other image.
///
/// `type="complex"` images carry a long description up to `:::image-end:::`, written for screen
/// readers: it becomes the image's title, and the end marker goes.
enum ImageExtension {
  static func rewrite(_ root: MarkdownNode) {
    for paragraph in root.preorder where paragraph.type == CMARK_NODE_PARAGRAPH {
      guard let text = plainText(of: paragraph) else { continue }
      let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
      if trimmed == ":::image-end:::" {
        paragraph.remove()
        continue
      }
      guard trimmed.hasPrefix(":::image "), trimmed.hasSuffix(":::") else { continue }
      let body = trimmed.dropFirst(":::image ".count)
      guard let close = body.range(of: ":::") else { continue }
      let attributes = Self.attributes(String(body[..<close.lowerBound]))
      let description = body[close.upperBound...]
        .replacingOccurrences(of: ":::image-end:::", with: "")
        .trimmingCharacters(in: .whitespacesAndNewlines)
      guard let source = attributes["source"], !source.isEmpty else { continue }
      let image = MarkdownNode.make(CMARK_NODE_IMAGE)
      image.url = source
      if !description.isEmpty { image.title = description }
      image.append(.text(attributes["alt-text"] ?? ""))
      let replacement = MarkdownNode.make(CMARK_NODE_PARAGRAPH)
      replacement.append(image)
      paragraph.replace(with: replacement)
    }
  }

  /// The paragraph's text when it holds text and line breaks only.
  private static func plainText(of paragraph: MarkdownNode) -> String? {
    var text = ""
    for child in paragraph.children {
      switch child.type {
      case CMARK_NODE_TEXT: text += child.literal ?? ""
      case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: text += " "
      default: return nil
      }
    }
    return text.hasPrefix(":::") ? text : nil
  }

  /// `type="content" source="a.png"` → ["type": "content", "source": "a.png"].
  static func attributes(_ text: String) -> [String: String] {
    var result: [String: String] = [:]
    var rest = Substring(text)
    while let equals = rest.firstIndex(of: "=") {
      let name = rest[..<equals].trimmingCharacters(in: .whitespaces)
      let afterEquals = rest[rest.index(after: equals)...]
      guard afterEquals.first == "\"", let close = afterEquals.dropFirst().firstIndex(of: "\"")
      else { break }
      result[name.lowercased()] = String(
        afterEquals[afterEquals.index(after: afterEquals.startIndex)..<close])
      rest = afterEquals[afterEquals.index(after: close)...]
    }
    return result
  }
}
