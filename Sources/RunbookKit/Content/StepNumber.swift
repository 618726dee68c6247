/// A step's number as the page shows it: `16` for a step of its stage's own procedure, `2.3` for
/// step 3 of the stage's second sub-procedure (a list that starts again under its own heading or
/// lead-in, or under a step written as a heading). Ids (`step-2.3`), validation notes (`2.3:`)
/// and the keys of ticks all use it.
public struct StepNumber: Hashable, Sendable, CustomStringConvertible {
  /// The sub-procedure's position in its stage (1, 2, …); nil for the stage's own procedure.
  public var procedure: Int?
  /// The number as the page shows it, within its procedure.
  public var number: Int

  public init(_ number: Int, procedure: Int? = nil) {
    self.number = number
    self.procedure = procedure
  }

  /// `16` or `2.3`; nil for anything else.
  public init?(_ text: String) {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count),
      parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let last = Int(parts[parts.count - 1]), last > 0
    else { return nil }
    if parts.count == 2 {
      guard let procedure = Int(parts[0]), procedure > 0 else { return nil }
      self.init(last, procedure: procedure)
    } else {
      self.init(last)
    }
  }

  public var description: String { procedure.map { "\($0).\(number)" } ?? String(number) }
}
