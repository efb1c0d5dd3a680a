/// Groups many small writes into few transactions: one commit per
/// `maxRows` writes or per `maxInterval`, whichever comes first. A crash
/// loses at most the batch in flight; committed batches are durable.
package final class BatchWriter {
    private let db: any ArchiveRunRows
    private let maxRows: Int
    private let maxInterval: Duration
    /// Runs inside each transaction just before it commits (run bookkeeping).
    private let beforeCommit: () throws -> Void
    private var rows = 0
    private var openedAt = ContinuousClock.now
    private(set) var commits = 0
    /// Writes committed since the report aggregates last took the deltas in.
    private var unfolded = 0
    /// Folding costs a few grouped statements: once per this many writes
    /// (and by `finish`) keeps it off the per-batch cost, and a large run
    /// folds as it goes rather than all at its end; reports add the deltas
    /// still waiting, so they are exact in between.
    package static let foldEvery = 32_000

    /// Over any backend's transactions (an archive run's).
    package init(rows: any ArchiveRunRows, maxRows: Int = 500, maxInterval: Duration = .seconds(1), beforeCommit: @escaping () throws -> Void = {}) {
        self.db = rows
        self.maxRows = maxRows
        self.maxInterval = maxInterval
        self.beforeCommit = beforeCommit
    }

    /// Runs `body` inside the current batch, opening one when needed. On an
    /// error the whole open batch is rolled back and the error rethrown.
    package func write(_ body: () throws -> Void) throws {
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
    package func commit() throws {
        guard db.isInTransaction else { return }
        do {
            // Writes a backend held back for the batch go in first: the
            // report aggregates then take their deltas in, in the
            // transaction that commits them (docs/reports.md, "Speed").
            try db.calls.flush()
            unfolded += rows
            if unfolded >= Self.foldEvery {
                try db.fold()
                unfolded = 0
            }
            try beforeCommit()
        } catch {
            db.rollback()
            throw error
        }
        try db.commit()
        commits += 1
    }

    /// Commits what is open, with the report aggregates brought up to date:
    /// the end of a run.
    /// The writer has nothing to write for now (no answer waiting): what it
    /// holds is committed, so nothing received stays invisible while the
    /// fetch waits on the network — once the batch is `idleCommitAfter` old
    /// (`ArchiveRunRows`: at once on SQLite; on PostgreSQL, where each commit
    /// sends a few statements, not more than four times a second).
    package func idle() throws {
        guard db.isInTransaction, ContinuousClock.now - openedAt >= db.idleCommitAfter else { return }
        try commit()
    }

    /// How often a waiting writer calls `idle` again: never where it commits at once.
    package var idleEvery: Duration? { db.idleCommitAfter == .zero ? nil : db.idleCommitAfter }

    package func finish() throws {
        unfolded = Self.foldEvery
        if db.isInTransaction { return try commit() }
        try db.transaction { try db.fold() }
        unfolded = 0
    }
}
