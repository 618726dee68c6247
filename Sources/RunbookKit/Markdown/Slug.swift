/// Heading anchors as DocFX and learn.microsoft.com make them, so that upstream links such as
/// `install-mim-service-portal.md#configure-mim-password-reset-portal` keep working.
enum Slug {
  /// Lower case; letters, digits, `-` and `_` kept; spaces become `-`; everything else dropped.
  static func make(_ text: String) -> String {
    var slug = ""
    for character in text.lowercased() {
      if character.isLetter || character.isNumber || character == "-" || character == "_" {
        slug.append(character)
      } else if character == " " {
        slug.append("-")
      }
    }
    return slug
  }
}

extension RunbookDefinition {
  /// The runbook's id: its title's slug. Where the browser keeps a deployment's ticks
  /// (`data-runbook`), and the folder of its records under Records/.
  public var id: String { Slug.make(title) }
}
