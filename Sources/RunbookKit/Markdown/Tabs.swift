import Foundation

/// DocFX's tabs: headings that are one link to `#tab/id` (`# [PowerShell](#tab/powershell)`),
/// each followed by its content, the group ended by `---`, by a heading of the tabs' level or
/// higher, or by the end of its container.
///
/// A group with a tab of the option a deployment chose (`tabs:` choices) becomes that tab's
/// content alone, so that its steps are the stage's steps. Any other group renders as tabs:
/// radio buttons and panels that work without a script and from the keyboard (Tab to the
/// group, arrows between tabs); printed, every panel shows under its name.
struct Tabs {
  /// The runbook's tab choices.
  let choices: [ChoiceSpec]
  let selection: [String: String]
  /// Groups rendered as tabs so far: their radio buttons' names are `tabs-N`.
  private var groups = 0

  init(choices: [ChoiceSpec], selection: [String: String]) {
    self.choices = choices.filter { $0.kind == .tabs }
    self.selection = selection
  }

  struct Tab {
    var id: String
    var title: String
    var heading: MarkdownNode
    var blocks: [MarkdownNode] = []
  }

  /// The tab a heading starts: `#tab/windows/powershell` (a dependent tab) is the tab
  /// `windows`.
  static func tab(of heading: MarkdownNode) -> Tab? {
    guard heading.kind == .heading else { return nil }
    let content = heading.children.filter {
      !($0.kind == .text && ($0.literal ?? "").allSatisfy(\.isWhitespace))
    }
    guard content.count == 1, content[0].kind == .link, let url = content[0].url,
      url.hasPrefix("#tab/")
    else { return nil }
    let id = url.dropFirst("#tab/".count).split(separator: "/").first.map(String.init) ?? ""
    return Tab(id: id, title: content[0].plainText, heading: heading)
  }

  mutating func apply(to root: MarkdownNode) {
    for heading in root.preorder where heading.isInDocument {
      guard var tab = Self.tab(of: heading) else { continue }
      let level = heading.headingLevel
      var tabs: [Tab] = []
      var node = heading.next
      while let current = node {
        node = current.next
        if current.kind == .heading, current.headingLevel == level, let next = Self.tab(of: current)
        {
          tabs.append(tab)
          tab = next
        } else if current.kind == .thematicBreak {
          current.remove()
          break
        } else if current.kind == .heading && current.headingLevel <= level {
          break
        } else {
          tab.blocks.append(current)
        }
      }
      tabs.append(tab)
      show(tabs)
    }
  }

  private mutating func show(_ tabs: [Tab]) {
    let first = tabs[0].heading
    let tree = first.tree
    let choice = choices.first { choice in tabs.contains { choice.option(id: $0.id) != nil } }
    var kept = Set<MarkdownNode>()
    if let choice, let chosen = selection[choice.key],
      let tab = tabs.first(where: { $0.id == chosen })
    {
      for block in tab.blocks { first.insertBefore(block) }
      kept = Set(tab.blocks)
    } else {
      groups += 1
      let name = "tabs-\(groups)"
      var buttons = ""
      for (index, tab) in tabs.enumerated() {
        let id = "\(name)-\(index + 1)"
        buttons +=
          "<input type=\"radio\" class=\"tab-radio\" name=\"\(name)\" id=\"\(id)\"\(index == 0 ? " checked" : "")>"
          + "<label for=\"\(id)\">\(tab.title.htmlEscaped)</label>"
      }
      let group = tree.custom(
        block: true, enter: "<div class=\"tabs\">\n\(buttons)\n", exit: "</div>\n")
      for tab in tabs {
        let panel = tree.custom(
          block: true,
          enter:
            "<section class=\"tab-panel\" data-tab=\"\(tab.id.htmlEscaped)\" aria-label=\"\(tab.title.htmlEscaped)\">\n<p class=\"tab-title\">\(tab.title.htmlEscaped)</p>\n",
          exit: "</section>\n")
        for block in tab.blocks { panel.append(block) }
        group.append(panel)
      }
      first.insertBefore(group)
    }
    // What is still beside the headings belongs to tabs not chosen.
    let parent = first.parent
    for tab in tabs {
      for block in tab.blocks where block.parent == parent && block.isInDocument {
        if !(kept.contains(block)) { block.remove() }
      }
      tab.heading.remove()
    }
  }
}
