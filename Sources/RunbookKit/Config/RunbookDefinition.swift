import Foundation
import Yams

/// One value a runbook needs from every deployment, and the sample names it replaces.
public struct ValueSpec: Sendable, Hashable {
  /// The key deployments use, such as `mim_server`.
  public var key: String
  public var description: String
  public var kind: ValueKind
  /// The sample names of the upstream pages this value replaces, such as `CORPIDM`.
  public var samples: [String]
  /// Samples that count only after certain text, by sample: `SharePoint` is the account only
  /// after `contoso\` or `-identity `; elsewhere it is the product.
  public var contexts: [String: [String]] = [:]
  /// Samples that match only as written (`{name: PRIV, case: exact}`): `PRIV` the domain, not
  /// `priv` in a path.
  public var exactCase: Set<String> = []
}

/// Alternatives the pages offer for one part of the procedure, of which each deployment takes
/// one (`choose:`): a page's own words ("If you want to use PowerShell:" / "If you want to use a
/// text editor:"), DocFX tabs (`# [PowerShell](#tab/powershell)`) or DocFX zone pivots
/// (`::: zone pivot="windows"`).
public struct ChoiceSpec: Sendable, Hashable {
  public struct Option: Sendable, Hashable {
    /// What a deployment writes after the choice's key, such as `powershell`; for tabs and
    /// pivots, the tab or pivot id the pages write.
    public var id: String
    /// How the page starts the alternative: the heading or lead-in text it begins with; for
    /// tabs and pivots, the name shown for it.
    public var start: String
  }

  /// How the pages mark the alternatives.
  public enum Kind: String, Sendable, Hashable {
    /// `options:`: alternatives started by a heading or lead-in text on one page.
    case text = "options"
    /// `tabs:`: DocFX tab groups, on any page, whose tabs have these ids.
    case tabs
    /// `zone_pivots:`: DocFX zones, on any page, whose pivots are these ids.
    case zonePivots = "zone_pivots"
  }

  public var key: String
  public var description: String
  public var kind: Kind = .text
  /// The page file that offers it, as `pages:` names it (text alternatives only).
  public var page: String
  public var options: [Option]

  /// Whether the page `path` (as `pages:` names it) may offer this choice.
  public func applies(to path: String) -> Bool { kind != .text || page == path }

  /// The option whose tab or pivot id is `id`.
  public func option(id: String) -> Option? { options.first { $0.id == id } }

  /// "Option A", "Option B", … in the definition's order.
  public func label(of option: Option) -> String {
    let index = options.firstIndex(of: option) ?? 0
    return "Option " + String(UnicodeScalar(UInt8(65 + index % 26)))
  }
}

/// The runbook definition (`Content/runbook.yml`): the title, the pages in order and the values.
public struct RunbookDefinition: Sendable {
  public var title: String
  /// The content's version, shown on the overview and the print page.
  public var version: String
  /// Where links to pages outside the runbook go: `<upstream><page name without .md>`.
  public var upstream: String?
  /// The folder holding the pages, relative to the runbook root (or absolute).
  public var source: String
  /// The folder of validation notes (`<page>.yml`), relative to the runbook root.
  public var checks: String
  /// Images the pages name but the source folder lacks are loaded from `upstream` when true;
  /// otherwise they are placeholders and warnings.
  public var imagesFromUpstream: Bool
  /// Page file names in order, relative to `source`; empty when `start` gives the first page and
  /// the pages' own step-by-step links give the rest.
  public var pages: [String]
  public var start: String?
  /// The folder of deployment files, relative to the runbook root.
  public var deployments: String
  public var values: [ValueSpec]
  /// Alternatives of the pages, of which each deployment takes one.
  public var choices: [ChoiceSpec]
  /// Names that hold a sample but are not one (a cmdlet, a product): left as written.
  public var keep: [String]
  /// Rewrites parameters written with an en dash in commands (`–Name`) to `-Name`.
  public var fixDashes: Bool
  /// The password stores a `secret` value may refer to: the defaults and `secret_schemes:`.
  public var secretSchemes: [String] = ValueKind.defaultSecretSchemes
  /// H2 headings that are reference, not procedure: a heading that is one of them, or starts
  /// with one, any case ("See also", "Troubleshooting").
  public var reference: [String]

  /// What `reference:` is when the definition does not say.
  public static let defaultReference = [
    "See also", "Next steps", "Related", "Troubleshoot", "If you see",
  ]
  /// The definition file's path, relative to the runbook root.
  public var path: String

  public func value(named key: String) -> ValueSpec? {
    values.first { $0.key == key }
  }
}

extension RunbookDefinition {
  /// Reads and checks a runbook definition; every problem of the file is reported together.
  public init(path: String, text: String) throws(DiagnosticError) {
    let file = try YAMLFile(path: path, text: text)
    var diagnostics: [Diagnostic] = []
    guard let root = file.root, root.mapping != nil else {
      throw DiagnosticError([
        .error(
          at: file.location(of: file.root), "the runbook definition is not a mapping",
          fix: "start the file with 'title:', 'pages:' and 'values:' (see README.md, File formats)")
      ])
    }
    let known = [
      "title", "version", "upstream", "source", "checks", "deployments", "images", "start", "pages",
      "values", "keep", "fix_dashes", "reference", "choices", "secret_schemes",
    ]
    for entry in root.entries where !known.contains(entry.key) {
      diagnostics.append(
        .error(
          at: file.location(of: entry.keyNode),
          "unknown key '\(entry.key)' in the runbook definition",
          fix: "use one of \(known.joined(separator: ", "))"))
    }

    title = root[key: "title"]?.string ?? ""
    if title.isEmpty {
      diagnostics.append(
        .error(
          at: file.location(of: root), "the runbook has no title",
          fix: "add 'title: <what this runbook installs>'"))
    }
    version = root[key: "version"]?.string ?? ""
    upstream = root[key: "upstream"]?.string.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
    source = root[key: "source"]?.string ?? "Content/pages"
    checks = root[key: "checks"]?.string ?? "Content/checks"
    let images = root[key: "images"]?.string ?? "local"
    imagesFromUpstream = images == "upstream"
    if images != "local" && images != "upstream" {
      diagnostics.append(
        .error(
          at: file.location(of: root[key: "images"]),
          "'images: \(images)' is neither 'local' nor 'upstream'",
          fix:
            "'local' copies images from the pages' folder; 'upstream' loads those it lacks from the upstream site"
        ))
    } else if imagesFromUpstream && upstream == nil {
      diagnostics.append(
        .error(
          at: file.location(of: root[key: "images"]), "'images: upstream' needs an upstream site",
          fix: "add 'upstream:' with the docs' base URL"))
    }
    self.path = path

    deployments = root[key: "deployments"]?.string ?? "Content/deployments"
    pages = root[key: "pages"]?.sequence?.compactMap(\.string) ?? []
    start = root[key: "start"]?.string
    if start != nil && !pages.isEmpty {
      diagnostics.append(
        .error(
          at: file.location(of: root[key: "start"]), "the runbook gives both 'start:' and 'pages:'",
          fix:
            "keep 'pages:' to list the pages in order, or 'start:' to follow the pages' step-by-step links"
        ))
    } else if pages.isEmpty && start == nil {
      diagnostics.append(
        .error(
          at: file.location(of: root[key: "pages"] ?? root), "the runbook lists no pages",
          fix:
            "add 'pages:' with the procedure pages in order, such as '- install-mim-service-portal.md', or 'start:' with the first page"
        ))
    }

    keep = root[key: "keep"]?.sequence?.compactMap(\.string) ?? []
    let extraSchemes = root[key: "secret_schemes"]?.sequence?.compactMap(\.string) ?? []
    for scheme in extraSchemes
    where !scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
      || scheme.isEmpty
    {
      diagnostics.append(
        .error(
          at: file.location(of: root[key: "secret_schemes"]),
          "the secret scheme '\(scheme)' is not a name of letters, digits and '-'",
          fix: "list store names as written before '://' or ': ', such as 'hashicorp' or 'Passbolt'"
        ))
    }
    secretSchemes = ValueKind.defaultSecretSchemes + extraSchemes.map { $0.lowercased() }
    choices = []
    for entry in root[key: "choices"]?.entries ?? [] {
      let kinds = [ChoiceSpec.Kind.text, .tabs, .zonePivots].filter {
        entry.value[key: $0.rawValue] != nil
      }
      let kind = kinds.first ?? .text
      // Options as `id: text`; tabs and pivots may also be a list of ids.
      let optionsNode = entry.value[key: kind.rawValue]
      let options =
        (optionsNode?.entries ?? []).compactMap { option in
          option.value.string.map { ChoiceSpec.Option(id: option.key, start: $0) }
        }
        + (kind == .text
          ? []
          : (optionsNode?.sequence ?? []).compactMap(\.string).map {
            ChoiceSpec.Option(id: $0, start: $0)
          })
      let page = entry.value[key: "page"]?.string ?? ""
      if kinds.count > 1 {
        diagnostics.append(
          .error(
            at: file.location(of: entry.keyNode),
            "choice '\(entry.key)' gives \(kinds.map { "'\($0.rawValue):'" }.joined(separator: " and "))",
            fix:
              "give one of them: 'options:' for alternatives a page starts in its own words, 'tabs:' for DocFX tab ids, 'zone_pivots:' for DocFX pivot ids"
          ))
        continue
      }
      if kind == .text && (options.count < 2 || page.isEmpty) {
        diagnostics.append(
          .error(
            at: file.location(of: entry.keyNode),
            "choice '\(entry.key)' needs 'page:' and at least two 'options:'",
            fix:
              "give the page that offers the alternatives and, under 'options:', each option's id and the heading or lead-in text that starts it; or 'tabs:' or 'zone_pivots:' with DocFX tab or pivot ids"
          ))
        continue
      }
      if kind != .text && options.count < 2 {
        diagnostics.append(
          .error(
            at: file.location(of: entry.keyNode),
            "choice '\(entry.key)' needs at least two '\(kind.rawValue):'",
            fix:
              "list the \(kind == .tabs ? "tab" : "pivot") ids the pages write, each with the name to show, such as 'powershell: PowerShell'"
          ))
        continue
      }
      choices.append(
        ChoiceSpec(
          key: entry.key, description: entry.value[key: "description"]?.string ?? entry.key,
          kind: kind, page: kind == .text ? page : "", options: options))
    }
    reference =
      root[key: "reference"]?.sequence?.compactMap(\.string) ?? Self.defaultReference
    switch root[key: "fix_dashes"]?.string {
    case nil, "false": fixDashes = false
    case "true": fixDashes = true
    case let other?:
      fixDashes = false
      diagnostics.append(
        .error(
          at: file.location(of: root[key: "fix_dashes"]),
          "'fix_dashes: \(other)' is neither true nor false",
          fix: "'fix_dashes: true' rewrites '–Name' in commands to '-Name'; false leaves them"))
    }
    values = []
    var descriptionNodes: [Node?] = []
    var sampleOwner: [String: String] = [:]
    for entry in root[key: "values"]?.entries ?? [] {
      let at = file.location(of: entry.keyNode)
      let description = entry.value[key: "description"]?.string ?? ""
      if description.isEmpty {
        diagnostics.append(
          .error(
            at: at, "value '\(entry.key)' has no description",
            fix: "add 'description:' saying what the operator must give"))
      }
      let kindName = entry.value[key: "kind"]?.string ?? ""
      guard let kind = ValueKind(rawValue: kindName) else {
        diagnostics.append(
          .error(
            at: file.location(of: entry.value[key: "kind"] ?? entry.keyNode),
            "value '\(entry.key)' has kind '\(kindName)', which is not a kind",
            fix: "use one of \(ValueKind.allCases.map(\.rawValue).joined(separator: ", "))"))
        continue
      }
      let samplesNode = entry.value[key: "samples"]
      // A sample is a name, or `{name: SharePoint, after: ['\\', '-identity '], case: exact}`.
      var samples: [String] = []
      var contexts: [String: [String]] = [:]
      var exactCase: Set<String> = []
      let items = samplesNode?.sequence.map(Array.init) ?? samplesNode.map({ [$0] }) ?? []
      for item in items {
        if let name = item.scalar?.string {
          samples.append(name)
        } else if let name = item[key: "name"]?.string {
          samples.append(name)
          let after = item[key: "after"]?.sequence?.compactMap(\.string) ?? []
          if !after.isEmpty { contexts[name] = after }
          switch item[key: "case"]?.string {
          case nil, "insensitive": break
          case "exact": exactCase.insert(name)
          case let other?:
            diagnostics.append(
              .error(
                at: file.location(of: item[key: "case"]),
                "'case: \(other)' of sample '\(name)' is neither 'exact' nor 'insensitive'",
                fix: "'case: exact' matches the sample only as written, such as PRIV but not priv"))
          }
        } else {
          diagnostics.append(
            .error(
              at: file.location(of: item),
              "a sample of '\(entry.key)' is neither a name nor {name:, after:}",
              fix: "write the sample name, or 'name:' and 'after:' with the texts it must follow"))
        }
      }
      if samples.isEmpty {
        diagnostics.append(
          .error(
            at: at, "value '\(entry.key)' replaces no sample name",
            fix: "add 'samples:' with the names the pages use for it, such as [CORPIDM]"))
      }
      for sample in samples {
        if let owner = sampleOwner[sample.lowercased()] {
          diagnostics.append(
            .error(
              at: file.location(of: samplesNode),
              "sample '\(sample)' is given for both '\(owner)' and '\(entry.key)'",
              fix: "a sample name replaces one value: keep it under one of them"))
        }
        sampleOwner[sample.lowercased()] = entry.key
      }
      values.append(
        ValueSpec(
          key: entry.key, description: description, kind: kind, samples: samples,
          contexts: contexts, exactCase: exactCase))
      descriptionNodes.append(entry.value[key: "description"])
    }
    if values.isEmpty {
      diagnostics.append(
        .error(
          at: file.location(of: root[key: "values"] ?? root), "the runbook declares no values",
          fix: "add 'values:' with each value's description, kind and samples"))
    }
    // Descriptions are shown on every deployment's pages, where a sample name would be left.
    let matcher = SampleMatcher(values: values, keep: keep)
    for (spec, node) in zip(values, descriptionNodes) {
      guard let match = matcher.matches(in: spec.description).first else { continue }
      let found = String(decoding: Array(spec.description.utf8)[match.range], as: UTF8.self)
      diagnostics.append(
        .error(
          at: file.location(of: node),
          "the description of '\(spec.key)' names the sample '\(found)'",
          fix:
            "descriptions are shown on every deployment's pages: say what the value is without a sample name"
        ))
    }
    if diagnostics.hasErrors { throw DiagnosticError(diagnostics) }
  }
}
