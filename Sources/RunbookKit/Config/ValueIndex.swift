/// One of a runbook's values, by its place in the definition's `values:`: how a sample match, a
/// page's usage count and a compiled page's hole name a value, instead of agreeing on positions.
public struct ValueIndex: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let position: Int

  public init(_ position: Int) { self.position = position }

  public static func < (lhs: ValueIndex, rhs: ValueIndex) -> Bool { lhs.position < rhs.position }
  public var description: String { String(position) }
}

/// How often each of a runbook's values was used (on a page, or in a whole site).
public struct ValueCounts: Sendable, Equatable {
  private var counts: [Int]

  /// No uses of any of `count` values.
  public init(count: Int) { counts = Array(repeating: 0, count: count) }

  public subscript(value: ValueIndex) -> Int {
    get { counts[value.position] }
    set { counts[value.position] = newValue }
  }

  /// The counts in the definition's order.
  public var all: [Int] { counts }

  public static func += (lhs: inout ValueCounts, rhs: ValueCounts) {
    for index in lhs.counts.indices { lhs.counts[index] += rhs.counts[index] }
  }
}

extension RunbookDefinition {
  /// Every value's index, in the definition's order.
  public var valueIndices: [ValueIndex] { values.indices.map(ValueIndex.init) }

  public func spec(_ value: ValueIndex) -> ValueSpec { values[value.position] }
}
