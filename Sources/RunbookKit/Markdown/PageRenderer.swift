import Foundation

/// Turns a page's markdown into its outline, or into HTML for one deployment.
///
/// Every call parses the page anew with cmark (about 0.1 ms for these pages), so that no tree
/// is shared between deployments built in parallel.
public struct PageRenderer: Sendable {
  public let page: PageSource
  public let matcher: SampleMatcher
  /// `fix_dashes: true`: commands get `-` where the docs wrote an en dash before a parameter.
  public let fixDashes: Bool
  /// H2 titles that are reference sections, not stages of the procedure.
  public let reference: [String]
  /// The alternatives this page offers.
  public let choices: [ChoiceSpec]

  public init(
    page: PageSource, matcher: SampleMatcher, fixDashes: Bool = false,
    reference: [String] = RunbookDefinition.defaultReference, choices: [ChoiceSpec] = []
  ) {
    self.page = page
    self.matcher = matcher
    self.fixDashes = fixDashes
    self.reference = reference
    self.choices = choices
  }

  /// The page's stages, steps, anchors and navigation, without substituting anything.
  public func outline() -> PageOutline {
    let tree = MarkdownTree(parsing: page.body)
    // Include and layout problems are reported once, by `render`.
    _ = prepare(tree, selection: [:])
    var rewriter = DocFXRewriter(lineOffset: page.bodyLineOffset, source: page.body)
    rewriter.rewrite(tree)
    let parts = PageParts(splitting: tree.root, offset: page.bodyLineOffset, reference: reference)
    var anchors: [String: String] = [:]
    for stage in parts.stages {
      anchors[stage.slug] = stage.slug
      for block in stage.allBlocks {
        for anchor in Self.anchors(in: block) where anchors[anchor] == nil {
          anchors[anchor] = stage.slug
        }
      }
    }
    if let first = parts.stages.first {
      for block in parts.preamble {
        for anchor in Self.anchors(in: block) where anchors[anchor] == nil {
          anchors[anchor] = first.slug
        }
      }
    }
    let images = tree.root.preorder.compactMap { node -> (String, SourceLocation)? in
      guard node.kind == .image, let url = node.url, !Substitution.isAbsolute(url) else {
        return nil
      }
      return (url, parts.location(of: node, in: page.path))
    }
    return PageOutline(
      name: page.name, path: page.path, folder: page.folder, title: parts.title,
      stages: parts.stages.map { stage in
        StageOutline(
          slug: stage.slug, title: stage.sourceTitle, line: stage.line,
          isReference: stage.isReference,
          steps: stage.steps.map { step in
            StepOutline(
              number: step.number, line: step.line,
              source: StepSource.hash(step.blocks.map(\.commonMark).joined()))
          })
      },
      anchors: anchors, navigation: Self.unique(rewriter.navigation), images: images,
      warnings: enDashWarnings(in: tree.root, parts: parts))
  }

  /// Commands written with en dashes before their parameters (`New-ADUser –SamAccountName`), as
  /// the docs' PowerShell often is: PowerShell takes them, other shells and checkers do not.
  func enDashWarnings(in root: MarkdownNode, parts: PageParts) -> [Diagnostic] {
    root.preorder.compactMap { node in
      guard node.kind == .codeBlock || node.kind == .code, let code = node.literal,
        let example = EnDashParameters.first(in: code)
      else { return nil }
      let at = parts.location(of: node, in: page.path)
      if fixDashes {
        return .note(
          at: at,
          "the command writes a parameter with an en dash ('\(example)'): fix_dashes makes it '-'")
      }
      return .warning(
        at: at, "the command writes a parameter with an en dash ('\(example)'), not '-'",
        fix:
          "PowerShell accepts it, but cmd.exe and most checkers do not: type '-' when you run it, fix the page, or add 'fix_dashes: true' to the runbook definition"
      )
    }
  }

  /// The page rendered for one deployment.
  ///
  /// - Parameters:
  ///   - values: what each value shows, in the matcher's value order.
  ///   - links: resolves links between pages; nil leaves them as written.
  ///   - missingImages: relative image paths that do not exist; they render as placeholders.
  ///   - imageURLs: relative image paths to load from elsewhere (upstream), with their URLs.
  ///   - notes: the page's validation notes, rendered under their steps.
  ///   - selection: the option a deployment takes of each of the page's choices; a choice it does
  ///     not make shows every alternative, each labelled.
  public func render(
    values: [PageValue], links: LinkResolver?, missingImages: Set<String> = [],
    imageURLs: [String: String] = [:], notes: ValidationNotes? = nil,
    selection: [String: String] = [:]
  ) -> RenderedPage {
    let tree = MarkdownTree(parsing: page.body)
    let includeDiagnostics = prepare(tree, selection: selection)
    var rewriter = DocFXRewriter(lineOffset: page.bodyLineOffset, source: page.body)
    rewriter.rewrite(tree)
    if fixDashes {
      var dashes = EnDashParameters.Fix()
      tree.rewrite(&dashes)
    }
    // Alternatives are found by the page's own words, before substitution changes them.
    let excluded = Alternatives.apply(choices, selection: selection, to: tree.root)
    // Slugs come from the page as written, before any value replaces a sample name.
    let slugs = Dictionary(
      uniqueKeysWithValues: tree.root.children.filter { $0.kind == .heading }.map {
        ($0, (slug: Slug.make($0.plainText), title: $0.plainText))
      })
    let substitution = Substitution(matcher: matcher, values: values)
    let applied = substitution.apply(to: tree, lineOffset: page.bodyLineOffset)
    var usage = applied.usage
    for image in tree.root.preorder where image.kind == .image {
      if let url = image.url, let replacement = imageURLs[url] { image.url = replacement }
    }
    for note in rewriter.sampleNameNotes {
      note.setCustom(enter: Self.valuesTable(values, usage: usage), exit: "")
    }
    replaceMissingImages(in: tree.root, missing: missingImages)

    let parts = PageParts(
      splitting: tree.root, offset: page.bodyLineOffset, reference: reference, excluded: excluded,
      slugs: slugs)
    let secrets = Self.secrets(values)
    var diagnostics =
      includeDiagnostics + leftovers(in: tree.root, parts: parts, secrets: secrets)
      + Self.halfReplaced(applied.halfReplaced, path: page.path)
    var noteHTML: [String: String] = [:]
    for note in notes?.notes ?? [] {
      noteHTML["\(note.stage) \(note.step)"] = render(
        note, substitution, usage: &usage, diagnostics: &diagnostics)
    }
    if let links {
      for (index, stage) in parts.stages.enumerated() {
        // Headings link too (a table of contents is all linked headings).
        let blocks =
          [stage.heading].compactMap { $0 } + stage.allBlocks
          + (index == 0 ? parts.preamble + [parts.titleNode].compactMap { $0 } : [])
        diagnostics += links.rewrite(
          blocks: blocks, page: page, stage: stage.slug,
          locate: { parts.location(of: $0, in: page.path) })
      }
    }
    return RenderedPage(
      name: page.name, path: page.path,
      title: parts.titleNode?.plainText ?? parts.title,
      titleHTML: parts.titleNode?.innerHTML ?? parts.title.htmlEscaped,
      preambleHTML: parts.preamble.map(\.html).joined(),
      stages: parts.stages.map { stage in
        RenderedStage(
          slug: stage.slug, title: stage.heading?.plainText ?? stage.sourceTitle,
          titleHTML: stage.heading?.innerHTML ?? stage.sourceTitle.htmlEscaped, line: stage.line,
          introHTML: stage.intro.map(\.html).joined(),
          steps: stage.steps.map { step in
            RenderedStep(
              number: step.number, line: step.line, html: step.blocks.map(\.html).joined(),
              noteHTML: noteHTML["\(stage.slug) \(step.number)"],
              leadHTML: step.lead.isEmpty ? nil : step.lead.map(\.html).joined())
          },
          outroHTML: stage.outro.map(\.html).joined(), isReference: stage.isReference)
      },
      usage: usage, diagnostics: diagnostics)
  }
}

private extension PageRenderer {
  /// Puts the page's includes and code includes in place, and settles its DocFX zones, tabs,
  /// rows and columns for `selection`; returns what went wrong.
  func prepare(_ tree: MarkdownTree, selection: [String: String]) -> [Diagnostic] {
    let offset = page.bodyLineOffset
    var includes = Includes(files: page.includes)
    if !page.includes.files.isEmpty {
      includes.expand(tree.root, folder: "", path: page.path, offset: offset, chain: [])
    }
    includes.expandCode(tree.root, folder: "", path: page.path, offset: offset)
    var zones = ZonePivots(choices: choices, selection: selection)
    zones.apply(to: tree.root, path: page.path, offset: offset)
    var tabs = Tabs(choices: choices, selection: selection)
    tabs.apply(to: tree.root)
    var layout = RowsAndColumns()
    layout.apply(to: tree.root, path: page.path, offset: offset)
    return includes.diagnostics + zones.diagnostics + layout.diagnostics
  }

  /// A validation note goes through the same rewriting and substitution as the page.
  func render(
    _ note: ValidationNote, _ substitution: Substitution, usage: inout ValueCounts,
    diagnostics: inout [Diagnostic]
  ) -> String {
    let tree = MarkdownTree(parsing: note.markdown)
    var rewriter = DocFXRewriter(lineOffset: note.firstLine - 1, source: note.markdown)
    rewriter.rewrite(tree)
    let applied = substitution.apply(to: tree, lineOffset: note.firstLine - 1)
    usage += applied.usage
    diagnostics += Self.halfReplaced(applied.halfReplaced, path: note.location.path)
    let secrets = Self.secrets(substitution.values)
    diagnostics += Self.leftovers(
      in: tree.root, matcher: matcher, secrets: secrets,
      locate: { $0.location(in: note.location.path, offset: note.firstLine - 1) })
    return tree.root.html
  }

  static func anchors(in block: MarkdownNode) -> [String] {
    block.preorder.compactMap { node in
      if node.kind == .heading { return Slug.make(node.plainText) }
      // Headings of level 3 and below, and `<a name>` anchors, are custom nodes by now.
      switch node.role {
      case .heading(_, let anchor), .anchor(let anchor): return anchor
      default: return nil
      }
    }
  }

  /// Warnings for dotted names that substitution replaces only in part.
  static func halfReplaced(_ names: [(name: String, line: Int)], path: String) -> [Diagnostic] {
    names.map { name, line in
      .warning(
        at: SourceLocation(path: path, line: line),
        "'\(name)' would be half this deployment's: a sample in it is replaced, the rest stays as the docs wrote it",
        fix:
          "add '\(name)' to the samples of a value in the runbook definition, or list it under 'keep:' to leave it as written"
      )
    }
  }

  /// The values whose samples are passwords.
  static func secrets(_ values: [PageValue]) -> Set<ValueIndex> {
    Set(values.indices.filter { values[$0].isSecret }.map(ValueIndex.init))
  }

  /// Top and bottom step-by-step blocks name the same pages: each link once.
  static func unique(_ links: [NavigationLink]) -> [NavigationLink] {
    var seen = Set<String>()
    return links.sorted { $0.line < $1.line }.filter {
      seen.insert("\($0.direction.rawValue) \($0.target)").inserted
    }
  }

  /// The page's own "this walkthrough uses sample names" note, made real: this deployment's
  /// values that the page uses.
  static func valuesTable(_ values: [PageValue], usage: ValueCounts) -> String {
    let rows = values.indices.filter { usage[ValueIndex($0)] > 0 }.map { index in
      let value = values[index]
      return
        "<tr><td>\(value.spec.description.htmlEscaped)</td><td><code>\(value.spec.key.htmlEscaped)</code></td>"
        + "<td>\(value.spanHTML)</td></tr>"
    }
    guard !rows.isEmpty else { return "" }
    // A long table starts folded, so that the steps stay in view; a short one is shown.
    return """
      <details class="values-used"\(rows.count <= 6 ? " open" : "")>
      <summary class="values-used-title">This deployment's values on this page (\(rows.count))</summary>
      <table>
      <thead><tr><th>What</th><th>Name</th><th>Value</th></tr></thead>
      <tbody>
      \(rows.joined(separator: "\n"))
      </tbody>
      </table>
      </details>
      """
  }

  /// An image whose file is missing becomes a framed placeholder holding its alt text.
  func replaceMissingImages(in root: MarkdownNode, missing: Set<String>) {
    guard !missing.isEmpty else { return }
    for image in root.preorder where image.kind == .image {
      guard let url = image.url, missing.contains(url) else { continue }
      let placeholder = root.tree.custom(
        block: false,
        enter:
          "<span class=\"image-missing\" role=\"img\" title=\"\(url.htmlEscaped) is missing\">",
        exit: "</span>")
      image.moveChildren(to: placeholder)
      image.replace(with: placeholder)
    }
  }

  /// A sample name left in the visible text after substitution (inside a longer word, say) is
  /// an error at the line it came from: a runbook never ships with "contoso" in a command.
  func leftovers(in root: MarkdownNode, parts: PageParts, secrets: Set<ValueIndex>) -> [Diagnostic]
  {
    Self.leftovers(
      in: root, matcher: matcher, secrets: secrets,
      locate: { parts.location(of: $0, in: page.path) })
  }
}

extension PageRenderer {
  /// - Parameter secrets: the values whose samples are passwords: never allowed anywhere, not even
  ///   in a relative path that is no visible text.
  static func leftovers(
    in root: MarkdownNode, matcher: SampleMatcher, secrets: Set<ValueIndex>,
    locate: (MarkdownNode) -> SourceLocation
  ) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    // The sample passwords alone: no kept name or longer sample may stand over one.
    var perValue = Array(
      repeating: [String](), count: (matcher.samples.map(\.value.position).max() ?? -1) + 1)
    for (sample, value) in matcher.samples where secrets.contains(value) {
      perValue[value.position].append(sample)
    }
    let passwords = SampleMatcher(samples: perValue)
    for node in root.preorder {
      let text: String?
      switch node.kind {
      case .text, .code, .codeBlock:
        text = node.parent?.isValue == true ? nil : node.literal
      case .link, .image:
        text = node.url
      default:
        text = nil
      }
      guard let text else { continue }
      let relativeURL =
        (node.kind == .link || node.kind == .image)
        && !Substitution.isAbsolute(text)
      // Sample passwords anywhere, even inside a word; other samples as substitution finds them.
      let found =
        passwords.occurrences(in: text)
        + (relativeURL ? [] : matcher.matches(in: text).filter { !secrets.contains($0.value) })
      for match in found.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
        if secrets.contains(match.value) {
          diagnostics.append(
            .error(
              at: locate(node),
              "the sample password '\(String(decoding: Array(text.utf8)[match.range], as: UTF8.self))' would reach the page in \(Self.quote(text, around: match.range))",
              fix:
                "a password never goes on a page: reword this, or make it a whole word so the secret's reference replaces it"
            ))
          continue
        }
        let bytes = Array(text.utf8)[match.range]
        let found = String(decoding: bytes, as: UTF8.self)
        let sample =
          matcher.samples.first { $0.sample.lowercased() == found.lowercased() }?.sample ?? found
        diagnostics.append(
          .error(
            at: locate(node),
            "sample name '\(found)' is left in \(Self.quote(text, around: match.range)) after substitution",
            fix:
              "'\(sample)' was not replaced here; reword the text, or list the whole name under 'keep:' in the runbook definition if it is not a sample"
          ))
      }
    }
    return diagnostics
  }

  /// The line of `text` holding the byte range, shortened around it.
  static func quote(_ text: String, around range: Range<Int>) -> String {
    let bytes = Array(text.utf8)
    let start = bytes[..<range.lowerBound].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
    let end = bytes[range.upperBound...].firstIndex(of: 0x0A) ?? bytes.count
    let line = String(decoding: bytes[start..<end], as: UTF8.self).trimmingCharacters(
      in: .whitespaces)
    return "'" + (line.count > 80 ? line.prefix(77) + "..." : line) + "'"
  }
}
