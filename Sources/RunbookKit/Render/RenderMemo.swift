import Foundation
import Mustache
import Synchronization

/// What `serve` keeps of one build for the next, so that an edit re-renders only what depends on
/// it: each page's outline and rendering by everything they read, each template's output by its
/// context, each file's check and compiled form by its bytes.
///
/// Every entry is keyed by all of its inputs, compared whole (no hash stands for them), so a
/// build with a memo gives exactly the bytes of a build without one. What every entry depends on
/// (the runbook definition) starts the memo afresh when it changes; entries no build used in the
/// last two builds go, so memory stays at about one build's worth.
public final class RenderMemo: Sendable {
  let outlines = Memo<PageSource, PageOutline>()
  let pages = Memo<PageRenderKey, RenderedPage>()
  let templates = Memo<TemplateKey, String>()
  let gate = Memo<GateKey, [Diagnostic]>()
  let compiled = Memo<GateKey, CompiledFile>()
  let summaries = Memo<SummaryKey, String>()
  let mustache = Memo<String, Result<MustacheTemplate, any Error>>()
  let notes = Memo<[String], Result<ValidationNotes, DiagnosticError>>()
  private let definition = Mutex<[String]?>(nil)

  public init() {}

  /// Starts a build: keeps what the last build used, or nothing when the definition (`inputs`:
  /// its text and where it reads from) changed.
  func begin(definition inputs: [String]) {
    let changed = definition.withLock { last in
      defer { last = inputs }
      return last != inputs
    }
    for memo in [outlines, pages, templates, gate, compiled, summaries, mustache, notes]
      as [any Generational]
    {
      memo.nextGeneration(clearing: changed)
    }
  }
}

/// A page's rendering reads the page and its includes, where links may go on every page, its
/// notes, its images, the values and the deployment's choices.
struct PageRenderKey: Hashable, Sendable {
  struct Links: Hashable, Sendable {
    var name: String
    var folder: String
    var path: String
    var stages: [String]
    var anchors: [String: String]
  }

  var page: PageSource
  var links: [Links]
  var values: [String]
  var selection: [String: String]
  var missingImages: Set<String>
  var imageURLs: [String: String]
  var notesPath: String?
  var notes: [ValidationNote]
}

/// A template (of the templates with that fingerprint) and the context it is filled with.
struct TemplateKey: Hashable, Sendable {
  var templates: UInt64
  var name: String
  var context: any Hashable & Sendable

  static func == (left: Self, right: Self) -> Bool {
    left.templates == right.templates && left.name == right.name
      && AnyHashable(left.context) == AnyHashable(right.context)
  }

  func hash(into hasher: inout Hasher) {
    hasher.combine(templates)
    hasher.combine(name)
    hasher.combine(AnyHashable(context))
  }
}

/// A step's (or a note's) HTML and how much of it a summary shows; nil for all of it.
struct SummaryKey: Hashable, Sendable {
  var html: String
  var limit: Int?

  static func == (left: Self, right: Self) -> Bool {
    left.limit == right.limit && ExactText.equal(left.html, right.html)
  }

  func hash(into hasher: inout Hasher) {
    ExactText.hash(html, into: &hasher)
    hasher.combine(limit)
  }
}

struct GateKey: Hashable, Sendable {
  var path: String
  var data: Data
}

extension StagePage {
  /// Hashed without the stage list and the site's facts, which every stage page of a site
  /// shares: hashing them made keeping 22 stage pages cost as much as rendering them. Equality
  /// still compares everything.
  func hash(into hasher: inout Hasher) {
    hasher.combine(pageTitle)
    hasher.combine(stageSlug)
    hasher.combine(stageNumber)
    ExactText.hash(introHTML, into: &hasher)
    ExactText.hash(outroHTML, into: &hasher)
    hasher.combine(steps)
    hasher.combine(previous)
    hasher.combine(next)
  }

  /// Every property; the page's own text byte for byte (`ExactText`).
  static func == (left: Self, right: Self) -> Bool {
    left.facts == right.facts && left.pageTitle == right.pageTitle
      && ExactText.equal(left.pageTitleHTML, right.pageTitleHTML)
      && left.stageTitle == right.stageTitle
      && ExactText.equal(left.stageTitleHTML, right.stageTitleHTML)
      && left.stageSlug == right.stageSlug && left.stageNumber == right.stageNumber
      && left.stageCount == right.stageCount && left.stepCount == right.stepCount
      && left.oneStep == right.oneStep && ExactText.equal(left.preambleHTML, right.preambleHTML)
      && ExactText.equal(left.introHTML, right.introHTML)
      && ExactText.equal(left.outroHTML, right.outroHTML) && left.steps == right.steps
      && left.previous == right.previous && left.next == right.next
      && left.before == right.before && left.after == right.after
      && left.isReference == right.isReference && left.stageMenu == right.stageMenu
      && left.hasSteps == right.hasSteps && left.stepList == right.stepList
  }
}

extension StepContext {
  /// Its text byte for byte (`ExactText`): stage pages are kept by their steps.
  static func == (left: Self, right: Self) -> Bool {
    left.number == right.number && left.value == right.value && left.key == right.key
      && left.source == right.source && ExactText.equal(left.html, right.html)
      && ExactText.equal(left.noteHTML, right.noteHTML)
      && ExactText.equal(left.leadHTML, right.leadHTML)
      && ExactText.equal(left.summaryHTML, right.summaryHTML)
  }

  func hash(into hasher: inout Hasher) {
    hasher.combine(number)
    ExactText.hash(html, into: &hasher)
    ExactText.hash(noteHTML, into: &hasher)
  }
}

protocol Generational: Sendable {
  func nextGeneration(clearing: Bool)
}

/// Values by key, from this build and the one before.
final class Memo<Key: Hashable & Sendable, Value: Sendable>: Generational {
  private let state = Mutex<(current: [Key: Value], previous: [Key: Value])>(([:], [:]))

  /// The value kept for `key`, or `make()`'s, kept.
  func value(_ key: Key, _ make: () -> Value) -> Value {
    let kept = state.withLock { state -> Value? in
      guard let value = state.current[key] ?? state.previous[key] else { return nil }
      state.current[key] = value
      return value
    }
    if let kept { return kept }
    let value = make()
    state.withLock { $0.current[key] = value }
    return value
  }

  func nextGeneration(clearing: Bool) {
    state.withLock { state in state = (current: [:], previous: clearing ? [:] : state.current) }
  }
}

extension Optional where Wrapped == RenderMemo {
  /// `make()`, through `memo` when there is one.
  func value<Key, Value>(
    _ memo: KeyPath<RenderMemo, Memo<Key, Value>>, _ key: @autoclosure () -> Key,
    _ make: () -> Value
  ) -> Value {
    guard let self else { return make() }
    return self[keyPath: memo].value(key(), make)
  }
}
