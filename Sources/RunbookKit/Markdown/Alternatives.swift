/// A page's alternatives (`choices:` of the runbook definition): where each option starts and
/// ends among the page's top-level blocks, and what a deployment's choice leaves out.
///
/// An alternative starts at a heading or paragraph whose text begins with the option's start
/// text ("If you want to use PowerShell"), any case, and ends where the next option of the same
/// choice starts, at the next heading of the same or a higher level (for one started by a
/// heading), after its first numbered list or at any heading (for one started by a paragraph: the
/// text after the last option is both paths'), or at the next H2.
enum Alternatives {
  /// The top-level blocks of `root` that belong to options `selection` did not choose. Where a
  /// choice is not made, each option's first block gets an "Option A" label before it instead.
  ///
  /// - Parameter selection: the option chosen, by choice key.
  static func apply(
    _ choices: [ChoiceSpec], selection: [String: String], to root: MarkdownNode
  ) -> Set<MarkdownNode> {
    var excluded = Set<MarkdownNode>()
    for choice in choices where choice.kind == .text {
      for (option, blocks) in extents(of: choice, in: root.children) {
        if let chosen = selection[choice.key] {
          if chosen != option.id { excluded.formUnion(blocks) }
        } else if let first = blocks.first {
          first.insertBefore(
            label("\(choice.label(of: option)) · \(choice.description)", in: root.tree))
        }
      }
    }
    return excluded
  }

  /// The line that names an alternative where every one is shown.
  static func label(_ text: String, in tree: MarkdownTree) -> MarkdownNode {
    let label = tree.inlineBlock(enter: "<p class=\"option-label\">", exit: "</p>")
    label.content.append(tree.text(text))
    return label.block
  }

  /// Each option of `choice` with the blocks of its alternative, in page order.
  static func extents(of choice: ChoiceSpec, in blocks: [MarkdownNode]) -> [(
    option: ChoiceSpec.Option, blocks: [MarkdownNode]
  )] {
    var result: [(ChoiceSpec.Option, [MarkdownNode])] = []
    var current: (option: ChoiceSpec.Option, level: Int?, blocks: [MarkdownNode])?
    for block in blocks {
      let level = headingLevel(block)
      if let option = start(of: block, in: choice) {
        if let open = current { result.append((open.option, open.blocks)) }
        current = (option, level, [block])
        continue
      }
      if let open = current, let level,
        level <= 2 || open.level.map({ level <= $0 }) ?? true
      {
        result.append((open.option, open.blocks))
        current = nil
      }
      current?.blocks.append(block)
      // A lead-in paragraph's alternative is its list.
      if let open = current, open.level == nil, block.isOrderedList {
        result.append((open.option, open.blocks))
        current = nil
      }
    }
    if let open = current { result.append((open.option, open.blocks)) }
    return result
  }

  private static func start(of block: MarkdownNode, in choice: ChoiceSpec) -> ChoiceSpec.Option? {
    guard block.kind == .paragraph || headingLevel(block) != nil else { return nil }
    let text = block.plainText.trimmingCharacters(in: .whitespaces).lowercased()
    return choice.options.first { text.hasPrefix($0.start.lowercased()) }
  }

  private static func headingLevel(_ block: MarkdownNode) -> Int? {
    if block.kind == .heading { return block.headingLevel }
    if case .heading(let level, _) = block.role { return level }
    return nil
  }
}
