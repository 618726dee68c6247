import Foundation
import GRDB
import RunbookKit
import Synchronization

/// The shared run record of `runbook serve` (README, "The run record"): per deployment, an
/// append-only log of events in SQLite, at `Records/<runbook id>/<deployment>.sqlite` under the
/// root. No build touches it; it survives restarts and kill -9, since every append is one
/// committed transaction in WAL mode before it is answered.
public final class RecordStore: Sendable {
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
    /// What the operator can do about it.
    public var fix: String = ""
  }

  /// The `Records` folder.
  public let folder: URL
  private let databases = Mutex<[String: DatabasePool]>([:])

  public init(folder: URL) {
    self.folder = folder
  }

  /// The store under `root` (`Records/`).
  public convenience init(root: URL) {
    self.init(folder: root.appendingPathComponent("Records"))
  }

  /// The database file of one deployment's record.
  public func file(runbook: String, deployment: String) -> URL {
    folder.appendingPathComponent(runbook).appendingPathComponent("\(deployment).sqlite")
  }

  /// Appends the events not in the record yet, stamped with the server's time, in the order
  /// given; returns those added. One transaction: all of them or none.
  public func append(_ events: [RecordEvent], runbook: String, deployment: String, at now: Date)
    throws(Failure) -> [RecordEvent]
  {
    let received = RecordTime.string(now)
    return try access(runbook: runbook, deployment: deployment, create: true) { pool in
      try pool.write { db in
        var added: [RecordEvent] = []
        for var event in events {
          event.received = received
          try db.execute(
            sql: """
              INSERT OR IGNORE INTO event (type, step, source, operator, time, text, received)
              VALUES (?, ?, ?, ?, ?, ?, ?)
              """,
            arguments: [
              event.type.rawValue, event.step, event.source, event.operator, event.time,
              event.text, event.received,
            ])
          if db.changesCount > 0 { added.append(event) }
        }
        return added
      }
    } ?? []
  }

  /// Every event of the record, in the order the server received them.
  public func events(runbook: String, deployment: String) throws(Failure) -> [RecordEvent] {
    try access(runbook: runbook, deployment: deployment, create: false) { pool in
      try pool.read { db in
        try Row.fetchAll(
          db,
          sql: """
            SELECT type, step, source, operator, time, text, received FROM event ORDER BY seq
            """
        ).map { row in
          RecordEvent(
            type: RecordEvent.Kind(rawValue: row["type"]) ?? .note, step: row["step"],
            source: row["source"], operator: row["operator"], time: row["time"],
            text: row["text"], received: row["received"])
        }
      }
    } ?? []
  }

  /// Closes every database (a server stopping).
  public func close() {
    let all = databases.withLock { databases in
      defer { databases = [:] }
      return Array(databases.values)
    }
    for pool in all { try? pool.close() }
  }

  /// Runs `body` on the deployment's database, opened (and made, when `create`) on first use;
  /// nil when it does not exist and is not to be made.
  private func access<T>(
    runbook: String, deployment: String, create: Bool, _ body: (DatabasePool) throws -> T
  ) throws(Failure) -> T? {
    let url = file(runbook: runbook, deployment: deployment)
    do {
      let pool = try databases.withLock { databases -> DatabasePool? in
        if let open = databases[url.path] { return open }
        guard create || FileManager.default.fileExists(atPath: url.path) else { return nil }
        try FileManager.default.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let pool = try Self.open(url)
        databases[url.path] = pool
        return pool
      }
      guard let pool else { return nil }
      return try body(pool)
    } catch {
      throw Failure(
        description: "the run record \(url.path) cannot be used: \(error)",
        fix: Self.fix(for: error, file: url))
    }
  }

  /// A record another program holds waits for it; one that is not a database (damaged, or not
  /// ours) is moved aside: the pages still hold their events and send them again.
  static func fix(for error: any Error, file url: URL) -> String {
    if let error = error as? DatabaseError,
      error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
    {
      return
        "another program holds it (a second runbook serve on this root, or an sqlite3 shell): stop that one"
    }
    return
      "move it aside (mv '\(url.path)' '\(url.path).broken') and restart runbook serve: the open pages send the events they hold again"
  }

  /// Opens in WAL mode (GRDB's DatabasePool), with the event table made by its migration. The
  /// table takes inserts only: triggers refuse updates and deletes.
  private static func open(_ url: URL) throws -> DatabasePool {
    var configuration = Configuration()
    configuration.busyMode = .timeout(10)
    let pool = try DatabasePool(path: url.path, configuration: configuration)
    var migrator = DatabaseMigrator()
    migrator.registerMigration("events") { db in
      try db.execute(
        sql: """
          CREATE TABLE event (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            type TEXT NOT NULL CHECK (type IN ('tick', 'untick', 'note')),
            step TEXT NOT NULL,
            source TEXT NOT NULL,
            operator TEXT NOT NULL,
            time TEXT NOT NULL,
            text TEXT NOT NULL,
            received TEXT NOT NULL,
            UNIQUE (type, step, source, operator, time, text)
          );
          CREATE TRIGGER event_no_update BEFORE UPDATE ON event
            BEGIN SELECT RAISE(ABORT, 'the run record is append-only'); END;
          CREATE TRIGGER event_no_delete BEFORE DELETE ON event
            BEGIN SELECT RAISE(ABORT, 'the run record is append-only'); END;
          """)
    }
    try migrator.migrate(pool)
    return pool
  }
}
