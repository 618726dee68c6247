import Foundation

/// DocFX's zones, `::: zone pivot="windows"` … `::: zone-end` (and `target="docs"` or
/// `"chromeless"`): a zone whose pivot is an option of a `zone_pivots:` choice is shown only to
/// the deployments that choose it; with no choice made, every zone is shown under its pivot's
/// name. `chromeless` zones are for an embedded view and are left out; `docs` zones are kept.
struct ZonePivots {
  /// The runbook's zone pivot choices.
  let choices: [ChoiceSpec]
  let selection: [String: String]
  private(set) var diagnostics: [Diagnostic] = []

  init(choices: [ChoiceSpec], selection: [String: String]) {
    self.choices = choices.filter { $0.kind == .zonePivots }
    self.selection = selection
  }

  mutating func apply(to root: MarkdownNode, path: String, offset: Int) {
    for start in root.preorder where start.isInDocument {
      guard let directive = Directive(start), directive.name.hasPrefix("zone") else { continue }
      let at = start.location(in: path, offset: offset)
      guard directive.name == "zone" else {
        diagnostics.append(
          .error(
            at: at, "'::: zone-end' closes no zone",
            fix: "start the zone with '::: zone pivot=\"…\"', or remove the line"))
        start.remove()
        continue
      }
      var blocks: [MarkdownNode] = []
      var end: MarkdownNode?
      var node = start.next
      while let current = node, end == nil {
        node = current.next
        switch Directive(current)?.name {
        case "zone-end": end = current
        case "zone":
          // DocFX does not nest zones: this one ends where the next starts.
          node = nil
        default: blocks.append(current)
        }
      }
      if end == nil {
        diagnostics.append(
          .error(
            at: at, "the zone has no '::: zone-end'",
            fix: "end the zone with a line '::: zone-end', with a blank line before it"))
      }
      end?.remove()
      start.remove()
      show(directive, blocks: blocks, at: at)
    }
  }

  private mutating func show(_ directive: Directive, blocks: [MarkdownNode], at: SourceLocation) {
    if let target = directive.attributes["target"] {
      if target.lowercased() == "chromeless" { blocks.forEach { $0.remove() } }
      return
    }
    let pivots = (directive.attributes["pivot"] ?? "").split(separator: ",").map {
      $0.trimmingCharacters(in: .whitespaces)
    }.filter { !$0.isEmpty }
    guard !pivots.isEmpty else {
      diagnostics.append(
        .error(
          at: at, "the zone names no pivot",
          fix: "write the pivot it is for, such as '::: zone pivot=\"windows\"'"))
      return
    }
    let choice = choices.first { choice in pivots.contains { choice.option(id: $0) != nil } }
    if let choice, let chosen = selection[choice.key] {
      if !pivots.contains(chosen) { blocks.forEach { $0.remove() } }
      return
    }
    guard let first = blocks.first else { return }
    let names = pivots.map { choice?.option(id: $0)?.start ?? $0 }.joined(separator: ", ")
    let label = choice.map { "\(names) · \($0.description)" } ?? "Zone pivot: \(names)"
    first.insertBefore(Alternatives.label(label, in: first.tree))
  }
}
