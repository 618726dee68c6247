/// A page's top-level blocks sorted into title, preamble and stages, and each stage into steps.
///
/// Stages start at H2 headings; steps before the first H2 (install-mim-sync.md has some) form a
/// stage named after the page. Each item of a top-level ordered list is a step, numbered as the
/// page shows it. A list that goes on counting (`5.` after `4.`) goes on the same procedure, and
/// what stands between belongs to the step above; a list that starts again is a sub-procedure
/// (`step-S.M`), led by what stands before it (a sub-heading, "If you want to use PowerShell:").
/// Headings H3 to H5 written "Step N: …", "Step N - …" or "Step N. …" are the stage's steps, and a
/// list under one is a sub-procedure. A stage with no ordered list is one step.
struct PageParts {
  struct Step {
    var number: StepNumber
    var line: Int
    var blocks: [MarkdownNode]
    /// Blocks shown before this step, between the lists: a sub-heading and its introduction.
    var lead: [MarkdownNode] = []
    /// The top-level block the step came from (its list, or its heading), if any.
    var origin: MarkdownNode?
  }

  struct Stage {
    var heading: MarkdownNode?
    var slug: String
    var sourceTitle: String
    var line: Int
    var intro: [MarkdownNode] = []
    var steps: [Step] = []
    var outro: [MarkdownNode] = []
    /// A reference section ("See also"): no steps, outside the procedure.
    var isReference = false

    var allBlocks: [MarkdownNode] { intro + steps.flatMap { $0.lead + $0.blocks } + outro }
  }

  var titleNode: MarkdownNode?
  var title: String
  var preamble: [MarkdownNode] = []
  var stages: [Stage] = []
  let offset: Int

  /// - Parameter slugs: titles and slugs of the H2 headings as the page wrote them, when the
  ///   tree has been substituted since; read from the tree otherwise.
  /// Removes the steps and blocks of alternatives not chosen. What a removed step held that
  /// belongs to no alternative (text that leads into both) moves on to the next step kept.
  private static func leaveOut(_ excluded: Set<MarkdownNode>, from stage: inout Stage) {
    let kept = { (block: MarkdownNode) in !excluded.contains(block) }
    stage.intro = stage.intro.filter(kept)
    var carried: [MarkdownNode] = []
    var steps: [Step] = []
    for var step in stage.steps {
      if let origin = step.origin, !kept(origin) {
        // Only the stage's own blocks can be shared; the items of an excluded list go with it.
        carried += (step.lead + step.blocks).filter { $0.parent?.kind == .document && kept($0) }
        continue
      }
      step.lead = carried + step.lead.filter(kept)
      step.blocks = step.blocks.filter(kept)
      carried = []
      steps.append(step)
    }
    stage.steps = steps
    stage.outro = carried + stage.outro.filter(kept)
  }

  /// Whether an H2 title is one of the reference headings, or starts with one, any case.
  static func isReference(_ title: String, among headings: [String]) -> Bool {
    let title = title.trimmingCharacters(in: .whitespaces).lowercased()
    return headings.contains { title.hasPrefix($0.lowercased()) }
  }

  /// - Parameters:
  ///   - reference: H2 titles that are reference sections (see `isReference`).
  ///   - excluded: top-level blocks of alternatives the deployment did not choose: they go,
  ///     and the steps they hold with them; the others keep the numbers the page gives them.
  init(
    splitting root: MarkdownNode, offset: Int, reference: [String] = [],
    excluded: Set<MarkdownNode> = [],
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
    preamble = preamble.filter { !excluded.contains($0) }
    // A page whose only H2s are reference sections ("See also") keeps its procedure too.
    if stages.isEmpty || preamble.contains(where: \.isOrderedList)
      || stages.allSatisfy({ Self.isReference($0.sourceTitle, among: reference) })
    {
      // Steps before any H2, or a page without H2 headings: a stage named after the page.
      let stage = Stage(
        heading: nil, slug: Slug.make(title), sourceTitle: title,
        line: titleNode.map { $0.line + offset } ?? 1)
      stages.insert(stage, at: 0)
      stageBlocks.insert(preamble, at: 0)
      preamble = []
    }
    for index in stages.indices {
      // A heading of punctuation only (`## !!!`) still names a file: `stage-N`.
      if stages[index].slug.isEmpty { stages[index].slug = "stage-\(index + 1)" }
      if Self.isReference(stages[index].sourceTitle, among: reference) {
        stages[index].isReference = true
        stages[index].intro = stageBlocks[index]
      } else {
        split(stageBlocks[index], into: &stages[index])
        if !excluded.isEmpty { Self.leaveOut(excluded, from: &stages[index]) }
      }
    }
  }

  private func split(_ blocks: [MarkdownNode], into stage: inout Stage) {
    let headingSteps = blocks.compactMap(Self.headingStepNumber)
    if !headingSteps.isEmpty {
      splitHeadingSteps(blocks, into: &stage)
      return
    }
    var procedures = Procedures()
    var pending: [MarkdownNode] = []
    var sawList = false
    for block in blocks {
      guard block.isOrderedList else {
        if sawList { pending.append(block) } else { stage.intro.append(block) }
        continue
      }
      let continues = sawList && block.listStart > procedures.lastNumber
      var lead: [MarkdownNode] = []
      if sawList, !stage.steps.isEmpty {
        if continues && !pending.contains(where: { $0.kind == .heading || $0.isHeading }) {
          stage.steps[stage.steps.count - 1].blocks += pending
        } else {
          lead = pending
        }
        pending = []
      }
      let procedure = sawList && !continues ? procedures.startSubProcedure() : procedures.current
      sawList = true
      append(list: block, procedure: procedure, lead: lead, to: &stage, procedures: &procedures)
    }
    if sawList {
      stage.outro = pending
    } else {
      stage.steps = [
        Step(
          number: StepNumber(1), line: stage.intro.first.map { line(of: $0) } ?? stage.line,
          blocks: stage.intro)
      ]
      stage.intro = []
    }
  }

  /// Counts a stage's procedures: its own (nil) and its sub-procedures (1, 2, …).
  private struct Procedures {
    var current: Int?
    var count = 0
    var lastNumber = 0

    mutating func startSubProcedure() -> Int {
      count += 1
      current = count
      lastNumber = 0
      return count
    }
  }

  /// Each item of `list` as a step of `procedure`, numbered as the page shows it.
  private func append(
    list: MarkdownNode, procedure: Int?, lead: [MarkdownNode], to stage: inout Stage,
    procedures: inout Procedures
  ) {
    // Steps read as paragraphs, whether the page's list was tight or loose.
    list.setListTight(false)
    for (offsetInList, item) in list.children.enumerated() {
      let number = list.listStart + offsetInList
      procedures.lastNumber = number
      stage.steps.append(
        Step(
          number: StepNumber(number, procedure: procedure), line: item.line + offset,
          blocks: item.children, lead: offsetInList == 0 ? lead : [], origin: list))
    }
  }

  /// A stage whose steps are headings: each heading step is a step, or, when it holds a list, a
  /// sub-procedure whose items are the steps, led by the heading and what stands before the list.
  private func splitHeadingSteps(_ blocks: [MarkdownNode], into stage: inout Stage) {
    var groups: [(number: Int, blocks: [MarkdownNode])] = []
    for block in blocks {
      if let number = Self.headingStepNumber(block) {
        groups.append((number, [block]))
      } else if groups.isEmpty {
        stage.intro.append(block)
      } else {
        groups[groups.count - 1].blocks.append(block)
      }
    }
    var procedures = Procedures()
    for group in groups {
      guard group.blocks.contains(where: \.isOrderedList) else {
        stage.steps.append(
          Step(
            number: StepNumber(group.number), line: line(of: group.blocks[0]),
            blocks: group.blocks, origin: group.blocks[0]))
        continue
      }
      // Lists under the heading: the first is a sub-procedure led by the heading; one that goes
      // on counting stays in it; one that starts again ("If you want to use a text editor:") is
      // a sub-procedure of its own, led by what stands before it.
      var pending: [MarkdownNode] = []
      var started = false
      for block in group.blocks {
        guard block.isOrderedList else {
          pending.append(block)
          continue
        }
        if started && block.listStart > procedures.lastNumber
          && !pending.contains(where: { $0.kind == .heading || $0.isHeading })
        {
          stage.steps[stage.steps.count - 1].blocks += pending
          append(
            list: block, procedure: procedures.current, lead: [], to: &stage,
            procedures: &procedures)
        } else {
          append(
            list: block, procedure: procedures.startSubProcedure(), lead: pending, to: &stage,
            procedures: &procedures)
        }
        pending = []
        started = true
      }
      stage.steps[stage.steps.count - 1].blocks += pending
    }
  }

  /// The N of a heading H3 to H5 written "Step N: …", "Step N - …", "Step N. …" or "Step N".
  static func headingStepNumber(_ block: MarkdownNode) -> Int? {
    let level: Int
    if block.kind == .heading {
      level = block.headingLevel
    } else if case .heading(let headingLevel, _) = block.role {
      level = headingLevel
    } else {
      return nil
    }
    let text = block.plainText
    guard (3...5).contains(level), text.lowercased().contains("step"),
      let match = text.wholeMatch(
        of: #/\s*[Ss]tep\s+(\d+)(?:\s*[:.\-–—]\s*.*|\s*)/#)
    else { return nil }
    return Int(match.output.1)
  }

  /// The 1-based line in the page file of a node, or of the nearest block around it that knows.
  func line(of node: MarkdownNode) -> Int {
    node.fileLine(offset: offset)
  }

  /// Where a node's text comes from: the page and its line, or an included file and its line.
  func location(of node: MarkdownNode, in path: String) -> SourceLocation {
    node.location(in: path, offset: offset)
  }
}

extension MarkdownNode {
  /// A heading of level 3 or below, which the DocFX rewriter turned into a custom block.
  var isHeading: Bool {
    if case .heading = role { return true }
    return false
  }

  /// Where this node's text comes from: its line in the file `path` (with `offset` lines before
  /// the markdown), or, inside text an include put in, its line in the included file.
  func location(in path: String, offset: Int) -> SourceLocation {
    var ancestor: MarkdownNode? = self
    while let candidate = ancestor {
      if let origin = candidate.includeOrigin {
        return SourceLocation(
          path: origin.path, line: fileLine(offset: origin.lineOffset),
          includedFrom: origin.includedFrom)
      }
      ancestor = candidate.parent
    }
    return SourceLocation(path: path, line: fileLine(offset: offset))
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
