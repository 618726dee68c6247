import Foundation

/// DocFX's image extension, `:::image type="content" source="media/x.png" alt-text="...":::`,
/// which cmark reads as a paragraph of text: it becomes a real image node, so that substitution
/// reaches its alt text and missing files are reported like any other image.
///
/// `type="complex"` images carry a long description up to `:::image-end:::`, written for screen
/// readers: it becomes the image's title, and the end marker goes.
struct ImageExtension: TreeRewriter {
  func rewrite(_ paragraph: MarkdownNode) -> Rewrite {
    guard paragraph.kind == .paragraph, let text = Self.plainText(of: paragraph) else {
      return .keep
    }
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed == ":::image-end:::" { return .remove }
    guard trimmed.hasPrefix(":::image "), trimmed.hasSuffix(":::") else { return .keep }
    let body = trimmed.dropFirst(":::image ".count)
    guard let close = body.range(of: ":::") else { return .keep }
    let attributes = Directive.attributes(String(body[..<close.lowerBound]))
    let description = body[close.upperBound...]
      .replacingOccurrences(of: ":::image-end:::", with: "")
      .trimmingCharacters(in: .whitespacesAndNewlines)
    guard let source = attributes["source"], !source.isEmpty else { return .keep }
    let tree = paragraph.tree
    let image = tree.make(.image)
    image.url = source
    if !description.isEmpty { image.title = description }
    image.append(tree.text(attributes["alt-text"] ?? ""))
    let replacement = tree.make(.paragraph)
    replacement.append(image)
    return .replace(with: replacement)
  }

  /// The paragraph's text when it holds text and line breaks only.
  private static func plainText(of paragraph: MarkdownNode) -> String? {
    var text = ""
    for child in paragraph.children {
      switch child.kind {
      case .text: text += child.literal ?? ""
      case .softBreak, .lineBreak: text += " "
      default: return nil
      }
    }
    return text.hasPrefix(":::") ? text : nil
  }
}
