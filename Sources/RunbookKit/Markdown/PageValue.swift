/// A value as a page shows it: one of the runbook's values and the text it stands for in one
/// deployment (or a placeholder while the runbook is compiled).
public struct PageValue: Sendable {
  public var spec: ValueSpec
  public var text: String

  public init(spec: ValueSpec, text: String) {
    self.spec = spec
    self.text = text
  }

  public var isSecret: Bool { spec.kind == .secret }

  /// The opening tag that marks a substituted value; hovering shows the value's name. Tree
  /// passes and templates alike take the span from here and from `span(escapedText:)`.
  var openTag: String {
    let hover = isSecret ? "\(spec.key): where the password is kept" : spec.key
    return Self.openTagStart + (isSecret ? " secret" : "")
      + "\" data-key=\"\(spec.key.htmlEscaped)\" title=\"\(hover.htmlEscaped)\">"
  }

  /// How every value span starts: the output gate skips what stands inside one.
  static let openTagStart = "<span class=\"value"

  static let closeTag = "</span>"

  /// The whole value span, its text HTML-escaped.
  public var spanHTML: String { openTag + text.htmlEscaped + Self.closeTag }
}
