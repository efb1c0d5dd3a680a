import ArchiveCore
import FuseAPI
import SQLite

/// `CallRows` in a SQLite archive: statements prepared once, because they
/// run for every call of a large run.
package final class SQLiteCallRows: CallRows {
    package let db: Connection
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
    private var insertEventsStatements: [Int: Statement] = [:]

    package init(db: Connection) throws {
        self.db = db
        rememberStatement = try db.prepare(CallStatements.remember)
        snapshotStatement = try db.prepare(
            """
            INSERT INTO call_snapshots (call_id, body_sha256, format, body, first_seen_at, last_seen_at, first_run_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)
            ON CONFLICT (call_id, body_sha256) DO UPDATE SET last_seen_at = excluded.last_seen_at, times_seen = times_seen + 1
            RETURNING snapshot_id
            """)
        currentStatement = try db.prepare(CallStatements.current)
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
    package func transaction<T>(_ body: () throws -> T) throws -> T { try db.transaction(body) }
    /// SQLite is in-process: a statement costs no round trip, nothing is held back.
    package func prefetch(_ ids: [String]) throws {}
    package func flush() throws {}
    package func discard() {}

    package func remember(_ id: String, at now: Int64, run: Int64?) throws -> Bool {
        try rememberStatement.run([id, now, run])
        return db.changes > 0
    }

    package func current(_ id: String) throws -> (snapshot: Int64?, status: String?, quiet: Int)? {
        try currentStatement.first([id]) { (snapshot: $0.optionalInt64(0), status: $0.optionalString(1), quiet: $0.int(2)) }
    }

    package func snapshot(_ id: String, sha256: String, format: String, body: [UInt8], at now: Int64, run: Int64?) throws -> Int64 {
        try snapshotStatement.first([id, sha256, format, TextBytes(body), now, run]) { $0.int64(0) }!
    }

    private func values(_ d: DerivedRow) -> [any SQLiteBindable] { d.values }

    package func insertCall(_ d: DerivedRow, refusal: String?, at now: Int64, run: Int64?) throws {
        try insertCallStatement.run(values(d) + [refusal, now, run])
    }

    package func updateCall(_ d: DerivedRow, refusal: String?, at now: Int64, quiet: Int, nextCheck: Int64, outcome: String) throws {
        try deriveStatement.run(values(d) + [refusal, now, quiet, nextCheck, outcome])
    }

    package func quiet(_ id: String, at now: Int64, quiet: Int, nextCheck: Int64, outcome: String, error: String?) throws {
        try quietStatement.run([id, now, quiet, nextCheck, outcome, error])
    }

    package func statusChange(_ id: String, old: String?, new: String, at now: Int64, run: Int64?) throws {
        try statusChangeStatement.run([id, old, new, now, run])
    }

    /// One multi-row statement per event count.
    package func insertEvents(_ id: String, _ events: [CallStatus.Event]) throws {
        guard !events.isEmpty else { return }
        if events.count > 32 { return try syncEvents(id, events) }
        let statement: Statement
        if let s = insertEventsStatements[events.count] {
            statement = s
        } else {
            let rows = Array(repeating: "(?, ?, ?, ?)", count: events.count).joined(separator: ", ")
            statement = try db.prepare("INSERT INTO call_events (call_id, seq, event, timestamp) VALUES \(rows)")
            insertEventsStatements[events.count] = statement
        }
        var values: [any SQLiteBindable] = []
        values.reserveCapacity(events.count * 4)
        for (seq, e) in events.enumerated() { values += [id, seq, e.event, e.timestamp] as [any SQLiteBindable] }
        try statement.run(values)
    }

    package func syncEvents(_ id: String, _ events: [CallStatus.Event]) throws {
        try trimEventsStatement.run([id, events.count])
        for (seq, e) in events.enumerated() { try upsertEventStatement.run([id, seq, e.event, e.timestamp]) }
    }

    package func problems(_ id: String) throws -> Int {
        try db.cached(CallStatements.problems).first([id]) { $0.int(0) } ?? 0
    }

    package func problem(_ id: String, at now: Int64, outcome: String, http: Int?, message: String, nextCheck: Int64, problems: Int) throws {
        try problemStatement.run([id, now, outcome, http, message, nextCheck, problems])
    }

    package func facts(of id: String) throws -> CallStatus? {
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
