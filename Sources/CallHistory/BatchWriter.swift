import SQLite

/// Groups many small writes into few transactions: one commit per
/// `maxRows` writes or per `maxInterval`, whichever comes first. A crash
/// loses at most the batch in flight; committed batches are durable.
final class BatchWriter {
    private let db: Connection
    private let maxRows: Int
    private let maxInterval: Duration
    /// Runs inside each transaction just before it commits (run bookkeeping).
    private let beforeCommit: () throws -> Void
    private var rows = 0
    private var openedAt = ContinuousClock.now
    private(set) var commits = 0

    init(db: Connection, maxRows: Int = 500, maxInterval: Duration = .seconds(1), beforeCommit: @escaping () throws -> Void = {}) {
        self.db = db
        self.maxRows = maxRows
        self.maxInterval = maxInterval
        self.beforeCommit = beforeCommit
    }

    /// Runs `body` inside the current batch, opening one when needed. On an
    /// error the whole open batch is rolled back and the error rethrown.
    func write(_ body: () throws -> Void) throws {
        if !db.isInTransaction {
            try db.begin()
            rows = 0
            openedAt = .now
        }
        do {
            try body()
        } catch {
            db.rollback()
            throw error
        }
        rows += 1
        if rows >= maxRows || ContinuousClock.now - openedAt >= maxInterval { try commit() }
    }

    /// Commits the open batch, if any.
    func commit() throws {
        guard db.isInTransaction else { return }
        do {
            try beforeCommit()
        } catch {
            db.rollback()
            throw error
        }
        try db.commit()
        commits += 1
    }
}
