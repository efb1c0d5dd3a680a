import ArchiveCore
import FuseAPI
import SQLite

/// `CallRows` in a SQLite archive: statements prepared once, because they
/// run for every call of a large run.
///
/// With `buffering` (an archive run's or an import's rows, whose
/// transactions `flush`), the writes of calls that had no body yet wait in
/// a `SQLiteCallBuffer` and go in with a few multi-row statements when the
/// batch commits: a statement per call on `calls` costs its triggers'
/// statement journal and its ten indexes' cursors each time. Any other
/// read or write of a buffered call writes the buffer before it.
package final class SQLiteCallRows: CallRows {
    package let db: Connection
    private let buffering: Bool
    private var buffer = SQLiteCallBuffer()
    private let writers: SQLiteCallBuffer.Writers
    /// The call `current` found without a body (or not at all): its writes may wait.
    private var fresh: String?
    /// The next snapshot id to give (SQLite's own choice: one past the
    /// largest), read again after each flush; nil when not read yet.
    private var nextSnapshot: Int64?
    /// A snapshot with the id given (buffering): the buffered ones are not in the table yet.
    private let numberedSnapshotStatement: Statement
    private let rememberStatement: Statement
    private let snapshotStatement: Statement
    private let currentStatement: Statement
    private let insertCallStatement: Statement
    private let deriveStatement: Statement
    private let quietStatement: Statement
    private let problemStatement: Statement
    private let statusChangeStatement: Statement
    private let trimEventsStatement: Statement
    private let upsertEventStatement: Statement
    /// A new call's events in one statement (or a few, for a long list).
    private let insertEventsStatement: MultiRowInsert

    /// `buffering` only where every transaction ends with `flush` (`SQLiteRunRows`).
    package init(db: Connection, buffering: Bool = false) throws {
        self.db = db
        self.buffering = buffering
        writers = SQLiteCallBuffer.Writers(db)
        insertEventsStatement = MultiRowInsert(db, "INSERT INTO call_events (call_id, seq, event, timestamp)", width: 4)
        rememberStatement = try db.prepare(CallStatements.remember)
        snapshotStatement = try db.prepare(
            """
            INSERT INTO call_snapshots (call_id, body_sha256, format, body, first_seen_at, last_seen_at, first_run_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)
            ON CONFLICT (call_id, body_sha256) DO UPDATE SET last_seen_at = excluded.last_seen_at, times_seen = times_seen + 1
            RETURNING snapshot_id
            """)
        // The fourth column: no body of the call at all (its snapshot may wait too).
        currentStatement = try db.prepare(
            """
            SELECT snapshot_id, status, unchanged_checks,
                   snapshot_id IS NULL AND NOT EXISTS (SELECT 1 FROM call_snapshots s WHERE s.call_id = ?1)
            FROM calls WHERE call_id = ?1
            """)
        numberedSnapshotStatement = try db.prepare(
            """
            INSERT INTO call_snapshots (snapshot_id, call_id, body_sha256, format, body, first_seen_at, last_seen_at, first_run_id)
            VALUES (?7, ?1, ?2, ?3, ?4, ?5, ?5, ?6)
            ON CONFLICT (call_id, body_sha256) DO UPDATE SET last_seen_at = excluded.last_seen_at, times_seen = times_seen + 1
            RETURNING snapshot_id
            """)
        insertCallStatement = try db.prepare(CallStatements.insertCall)
        deriveStatement = try db.prepare(CallStatements.derive)
        quietStatement = try db.prepare(CallStatements.quiet)
        problemStatement = try db.prepare(CallStatements.problem)
        statusChangeStatement = try db.prepare(CallStatements.statusChange)
        trimEventsStatement = try db.prepare(CallStatements.trimEvents)
        upsertEventStatement = try db.prepare(
            """
            INSERT INTO call_events (call_id, seq, event, timestamp) VALUES (?, ?, ?, ?)
            ON CONFLICT (call_id, seq) DO UPDATE SET event = excluded.event, timestamp = excluded.timestamp
            WHERE event IS NOT excluded.event OR timestamp IS NOT excluded.timestamp
            """)
    }

    package var isInTransaction: Bool { db.isInTransaction }
    package func transaction<T>(_ body: () throws -> T) throws -> T { try holding({ try db.transaction($0) }, body) }
    /// SQLite is in-process: `current` costs no round trip.
    package func prefetch(_ ids: [String]) throws {}

    /// Writes what the buffer holds (inside the caller's transaction).
    package func flush() throws {
        fresh = nil
        nextSnapshot = nil
        guard !buffer.isEmpty else { return }
        let pending = buffer
        buffer = SQLiteCallBuffer()
        try pending.write(writers)
    }

    /// Forgets what the buffer holds (its transaction rolled back).
    package func discard() {
        buffer = SQLiteCallBuffer()
        fresh = nil
        nextSnapshot = nil
    }

    /// Before a statement that reads or writes `id` itself.
    private func settle(_ id: String) throws {
        if buffer.holds(id) { try flush() }
    }

    /// The writes of `id` wait in the buffer.
    private func buffered(_ id: String) -> Bool { fresh == id }

    package func remember(_ id: String, at now: Int64, run: Int64?) throws -> Bool {
        try settle(id)
        try rememberStatement.run([id, now, run])
        return db.changes > 0
    }

    package func current(_ id: String) throws -> (snapshot: Int64?, status: String?, quiet: Int)? {
        try settle(id)
        let found = try currentStatement.first([id]) {
            (snapshot: $0.optionalInt64(0), status: $0.optionalString(1), quiet: $0.int(2), bodiless: $0.int(3) != 0)
        }
        fresh = buffering && found?.bodiless ?? true ? id : nil
        return found.map { ($0.snapshot, $0.status, $0.quiet) }
    }

    package func snapshot(_ id: String, sha256: String, format: String, body: [UInt8], at now: Int64, run: Int64?) throws -> Int64 {
        guard buffering else { return try snapshotStatement.first([id, sha256, format, TextBytes(body), now, run]) { $0.int64(0) }! }
        // Buffered snapshots are not in the table yet: every id is given here.
        let candidate = try nextSnapshot ?? (db.scalarInt("SELECT coalesce(max(snapshot_id), 0) FROM call_snapshots") ?? 0) + 1
        let given: Int64
        if buffered(id) {
            buffer.snapshot(candidate, id, sha256: sha256, format: format, body: body, at: now, run: run)
            given = candidate
        } else {
            given = try numberedSnapshotStatement.first([id, sha256, format, TextBytes(body), now, run, candidate]) { $0.int64(0) }!
        }
        // A body seen before keeps its id and takes none.
        nextSnapshot = given == candidate ? candidate + 1 : candidate
        return given
    }

    private func values(_ d: DerivedRow) -> [any SQLiteBindable] { d.values }

    package func insertCall(_ d: DerivedRow, refusal: String?, at now: Int64, run: Int64?) throws {
        if buffered(d.id) { return buffer.call(d, refusal: refusal, at: now, run: run, quiet: 0, nextCheck: now, outcome: "ok") }
        try insertCallStatement.run(values(d) + [refusal, now, run])
    }

    package func updateCall(_ d: DerivedRow, refusal: String?, at now: Int64, quiet: Int, nextCheck: Int64, outcome: String) throws {
        if buffered(d.id) { return buffer.call(d, refusal: refusal, at: now, run: nil, quiet: quiet, nextCheck: nextCheck, outcome: outcome) }
        try deriveStatement.run(values(d) + [refusal, now, quiet, nextCheck, outcome])
    }

    package func quiet(_ id: String, at now: Int64, quiet: Int, nextCheck: Int64, outcome: String, error: String?) throws {
        try settle(id)
        try quietStatement.run([id, now, quiet, nextCheck, outcome, error])
    }

    package func statusChange(_ id: String, old: String?, new: String, at now: Int64, run: Int64?) throws {
        if buffered(id) { return buffer.statusChange(id, old: old, new: new, at: now, run: run) }
        try statusChangeStatement.run([id, old, new, now, run])
    }

    package func insertEvents(_ id: String, _ events: [CallStatus.Event]) throws {
        if buffered(id) { return buffer.events(id, events) }
        try insertEventsStatement.run(SQLiteCallBuffer.eventRows(id, events))
    }

    package func syncEvents(_ id: String, _ events: [CallStatus.Event]) throws {
        if buffered(id) { return buffer.events(id, events) }
        try trimEventsStatement.run([id, events.count])
        for (seq, e) in events.enumerated() { try upsertEventStatement.run([id, seq, e.event, e.timestamp]) }
    }

    package func problems(_ id: String) throws -> Int {
        try settle(id)
        return try db.cached(CallStatements.problems).first([id]) { $0.int(0) } ?? 0
    }

    package func problem(_ id: String, at now: Int64, outcome: String, http: Int?, message: String, nextCheck: Int64, problems: Int) throws {
        try settle(id)
        try problemStatement.run([id, now, outcome, http, message, nextCheck, problems])
    }

    package func facts(of id: String) throws -> CallStatus? {
        try settle(id)
        guard
            var s = try db.cached(
                """
                SELECT status, attempts, max_attempts, queued_timestamp, start_timestamp, end_timestamp, last_attempt_timestamp,
                       reattempt_wait, duration, phone_number, success
                FROM calls WHERE call_id = ? AND status IS NOT NULL
                """
            ).first(
                [id],
                { r in
                    CallStatus(
                        status: r.string(0), attempts: r.optionalInt64(1), maxAttempts: r.optionalInt64(2), queuedTimestamp: r.optionalInt64(3),
                        startTimestamp: r.optionalInt64(4), endTimestamp: r.optionalInt64(5), lastAttemptTimestamp: r.optionalInt64(6),
                        reattemptWait: r.optionalInt64(7), duration: r.optionalInt64(8), phoneNumber: r.optionalString(9),
                        success: r.optionalInt64(10).map { $0 != 0 })
                })
        else { return nil }
        s.events = try db.cached("SELECT event, timestamp FROM call_events WHERE call_id = ? ORDER BY seq")
            .map([id]) { CallStatus.Event(event: $0.string(0), timestamp: $0.optionalInt64(1)) }
        return s
    }

    package func rederive(_ d: DerivedRow) throws {
        try settle(d.id)
        try db.cached(CallStatements.rederive).run(values(d))
    }

    package func callsWithSnapshot(after id: String, limit: Int) throws -> [(id: String, snapshot: Int64)] {
        try db.cached("SELECT call_id, snapshot_id FROM calls WHERE snapshot_id IS NOT NULL AND call_id > ? ORDER BY call_id LIMIT ?")
            .map([id, limit]) { (id: $0.string(0), snapshot: $0.int64(1)) }
    }

    package func snapshots(of id: String) throws -> [(id: Int64, format: String, body: [UInt8])] {
        try db.cached("SELECT snapshot_id, format, body FROM call_snapshots WHERE call_id = ? ORDER BY last_seen_at, snapshot_id")
            .map([id]) { (id: $0.int64(0), format: $0.string(1), body: $0.textBytes(2)) }
    }

    /// The triggers kept the aggregates true through every re-derivation;
    /// a rebuild also repairs them if another tool wrote past the triggers.
    package func rebuilt() throws { try Aggregates.recompute(db) }
}
