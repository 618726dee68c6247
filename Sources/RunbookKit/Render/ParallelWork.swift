import Foundation
import Synchronization

/// Runs work items on every core and returns their results in item order.
enum ParallelWork {
  static func map<T: Sendable>(
    count: Int, progress: (@Sendable (Int, Int) -> Void)? = nil, _ work: @Sendable (Int) -> T
  ) -> [T] {
    let results = Mutex<(values: [T?], done: Int)>((Array(repeating: nil, count: count), 0))
    DispatchQueue.concurrentPerform(iterations: count) { index in
      let value = work(index)
      let done = results.withLock { results in
        results.values[index] = value
        results.done += 1
        return results.done
      }
      progress?(done, count)
    }
    // swift-format-ignore: NeverForceUnwrap
    // (concurrentPerform returns after every iteration has stored its value)
    return results.withLock { $0.values.map { $0! } }
  }
}
