/// A page's top-level blocks sorted into title, preamble and stages, and each stage into steps.
///
/// Stages start at H2 headings; steps before the first H2 (install-mim-sync.md has some) form a
/// stage named after the page. Each item of a top-level ordered list is a step, numbered as the
/// page shows it. Blocks between two such lists belong to the step above them, unless they hold a
/// heading: then they lead into the next list. A list that starts again in the same stage goes on
/// counting, so every step of a stage has its own number. A stage with no ordered list is one step.
struct PageParts {
  struct Step {
    var number: Int
    var line: Int
    var blocks: [MarkdownNode]
    /// Blocks shown before this step, between the lists: a sub-heading and its introduction.
    var lead: [MarkdownNode] = []
  }

  struct Stage {
    var heading: MarkdownNode?
    var slug: String
    var sourceTitle: String
    var line: Int
    var intro: [MarkdownNode] = []
    var steps: [Step] = []
    var outro: [MarkdownNode] = []

    var allBlocks: [MarkdownNode] { intro + steps.flatMap { $0.lead + $0.blocks } + outro }
  }

  var titleNode: MarkdownNode?
  var title: String
  var preamble: [MarkdownNode] = []
  var stages: [Stage] = []
  let offset: Int

  /// - Parameter slugs: titles and slugs of the H2 headings as the page wrote them, when the
  ///   tree has been substituted since; read from the tree otherwise.
  init(
    splitting root: MarkdownNode, offset: Int,
    slugs: [MarkdownNode: (slug: String, title: String)] = [:]
  ) {
    self.offset = offset
    var stageBlocks: [[MarkdownNode]] = []
    var heldAnchors: [MarkdownNode] = []
    title = ""
    for block in root.children {
      // `<a name='x'></a>` just above a heading names that heading's stage, not the one before.
      if block.isAnchorParagraph, let next = block.next, next.kind == .heading,
        next.headingLevel == 2
      {
        heldAnchors.append(block)
        continue
      }
      if block.kind == .heading && block.headingLevel == 1 && titleNode == nil
        && stages.isEmpty
      {
        titleNode = block
        title = slugs[block]?.title ?? block.plainText
      } else if block.kind == .heading && block.headingLevel == 2 {
        let source = slugs[block] ?? (Slug.make(block.plainText), block.plainText)
        stages.append(
          Stage(
            heading: block, slug: source.slug, sourceTitle: source.title, line: block.line + offset)
        )
        stageBlocks.append(heldAnchors)
        heldAnchors = []
      } else if stages.isEmpty {
        preamble.append(block)
      } else {
        stageBlocks[stageBlocks.count - 1].append(block)
      }
    }
    if stages.isEmpty || preamble.contains(where: \.isOrderedList) {
      // Steps before any H2, or a page without H2 headings: a stage named after the page.
      let stage = Stage(
        heading: nil, slug: Slug.make(title), sourceTitle: title,
        line: titleNode.map { $0.line + offset } ?? 1)
      stages.insert(stage, at: 0)
      stageBlocks.insert(preamble, at: 0)
      preamble = []
    }
    for index in stages.indices {
      split(stageBlocks[index], into: &stages[index])
    }
  }

  private func split(_ blocks: [MarkdownNode], into stage: inout Stage) {
    var pending: [MarkdownNode] = []
    var sawList = false
    for block in blocks {
      guard block.isOrderedList else {
        if sawList { pending.append(block) } else { stage.intro.append(block) }
        continue
      }
      var lead: [MarkdownNode] = []
      if sawList, !stage.steps.isEmpty {
        if pending.contains(where: { $0.kind == .heading || $0.isHeading }) {
          lead = pending
        } else {
          stage.steps[stage.steps.count - 1].blocks += pending
        }
        pending = []
      }
      sawList = true
      // Steps read as paragraphs, whether the page's list was tight or loose.
      block.setListTight(false)
      for (offsetInList, item) in block.children.enumerated() {
        var number = block.listStart + offsetInList
        if let last = stage.steps.last?.number, number <= last { number = last + 1 }
        stage.steps.append(
          Step(
            number: number, line: item.line + offset, blocks: item.children,
            lead: offsetInList == 0 ? lead : []))
      }
    }
    if sawList {
      stage.outro = pending
    } else {
      stage.steps = [
        Step(
          number: 1, line: stage.intro.first.map { line(of: $0) } ?? stage.line, blocks: stage.intro
        )
      ]
      stage.intro = []
    }
  }

  /// The 1-based line in the page file of a node, or of the nearest block around it that knows.
  func line(of node: MarkdownNode) -> Int {
    node.fileLine(offset: offset)
  }
}

extension MarkdownNode {
  /// A heading of level 3 or below, which the DocFX rewriter turned into a custom block.
  var isHeading: Bool {
    if case .heading = role { return true }
    return false
  }

  /// The 1-based file line of this node, or of the nearest block around it that knows, with
  /// `offset` lines before the markdown in its file; 0 when none knows.
  func fileLine(offset: Int) -> Int {
    // Inlines moved into a table from a cell's own parse know only that parse's lines.
    var ancestor: MarkdownNode? = self
    while let candidate = ancestor {
      if candidate.sourceLine > 0 { return candidate.sourceLine + offset }
      ancestor = candidate.parent
    }
    var current: MarkdownNode? = self
    while let candidate = current {
      if candidate.line > 0 { return candidate.line + offset }
      current = candidate.parent
    }
    return 0
  }

  /// A paragraph holding nothing but `<a name>` anchors (custom inlines by now).
  var isAnchorParagraph: Bool {
    guard kind == .paragraph, firstChild != nil else { return false }
    return children.allSatisfy { child in
      switch child.kind {
      case .customInline:
        if case .anchor = child.role { return true }
        return false
      case .softBreak, .lineBreak:
        return true
      case .text:
        return (child.literal ?? "").allSatisfy(\.isWhitespace)
      default:
        return false
      }
    }
  }
}
