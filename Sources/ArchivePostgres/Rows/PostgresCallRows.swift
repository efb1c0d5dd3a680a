import ArchiveCore
import FuseAPI
import Postgres

/// `CallRows` in a PostgreSQL archive: the same statements as
/// `SQLiteCallRows` in PostgreSQL's dialect, prepared once on the server.
/// A JSON body that jsonb takes is stored as `body_json` beside the bytes.
///
/// A round trip per statement would cost a new call six: the writes of
/// calls without a body yet (the bulk of a first run or an import) are
/// therefore kept in a `PostgresCallBuffer` and sent with `COPY` when the
/// batch commits. `prefetch` reads a batch's calls in one query first; any
/// other write or read of a buffered call sends the buffer before it.
package final class PostgresCallRows: CallRows {
    package let db: PostgresConnection
    private var buffer = PostgresCallBuffer()
    /// What `prefetch` found, until `current` uses it: nil for an absent call.
    private var known: [String: (snapshot: Int64?, status: String?, quiet: Int, fresh: Bool)?] = [:]
    /// The call `current` found without any body: its body may be buffered.
    private var fresh: String?
    /// `fresh` is not in the archive at all (not even remembered).
    private var freshAbsent = false
    private var snapshotIDs: [Int64] = []
    private let rememberStatement: PostgresStatement
    private let snapshotStatement: PostgresStatement
    private let currentStatement: PostgresStatement
    private let insertCallStatement: PostgresStatement
    private let deriveStatement: PostgresStatement
    private let rederiveStatement: PostgresStatement
    private let quietStatement: PostgresStatement
    private let problemsStatement: PostgresStatement
    private let problemStatement: PostgresStatement
    private let statusChangeStatement: PostgresStatement
    private let trimEventsStatement: PostgresStatement
    private let upsertEventsStatement: PostgresStatement
    private let factsStatement: PostgresStatement
    private let eventsStatement: PostgresStatement

    package init(db: PostgresConnection) throws {
        self.db = db
        let dialect = SQLDialect.postgresql
        rememberStatement = try db.prepare(dialect.render(CallStatements.remember))
        snapshotStatement = try db.prepare(
            """
            INSERT INTO call_snapshots (call_id, body_sha256, format, body, first_seen_at, last_seen_at, first_run_id, body_json)
            VALUES ($1, $2, $3, $4, $5, $5, $6, $7::jsonb)
            ON CONFLICT (call_id, body_sha256) DO UPDATE SET last_seen_at = excluded.last_seen_at, times_seen = call_snapshots.times_seen + 1
            RETURNING snapshot_id
            """)
        currentStatement = try db.prepare(dialect.render(CallStatements.current))
        insertCallStatement = try db.prepare(dialect.render(CallStatements.insertCall) + "\n" + CallStatements.firstAnswerUpsert)
        deriveStatement = try db.prepare(dialect.render(CallStatements.derive))
        rederiveStatement = try db.prepare(dialect.render(CallStatements.rederive))
        quietStatement = try db.prepare(dialect.render(CallStatements.quiet))
        problemsStatement = try db.prepare(dialect.render(CallStatements.problems))
        problemStatement = try db.prepare(dialect.render(CallStatements.problem))
        statusChangeStatement = try db.prepare(dialect.render(CallStatements.statusChange))
        trimEventsStatement = try db.prepare(dialect.render(CallStatements.trimEvents))
        // All of a call's events in one statement: its lists, unnested.
        upsertEventsStatement = try db.prepare(
            """
            INSERT INTO call_events (call_id, seq, event, timestamp)
            SELECT $1, e.seq - 1, e.event, e.timestamp FROM unnest($2::text[], $3::bigint[]) WITH ORDINALITY AS e(event, timestamp, seq)
            ON CONFLICT (call_id, seq) DO UPDATE SET event = excluded.event, timestamp = excluded.timestamp
            WHERE call_events.event IS DISTINCT FROM excluded.event OR call_events.timestamp IS DISTINCT FROM excluded.timestamp
            """)
        factsStatement = try db.prepare(
            """
            SELECT status, attempts, max_attempts, queued_timestamp, start_timestamp, end_timestamp, last_attempt_timestamp,
                   reattempt_wait, duration, phone_number, success
            FROM calls WHERE call_id = $1 AND status IS NOT NULL
            """)
        eventsStatement = try db.prepare("SELECT event, timestamp FROM call_events WHERE call_id = $1 ORDER BY seq")
    }

    package var isInTransaction: Bool { db.isInTransaction }
    package func transaction<T>(_ body: () throws -> T) throws -> T { try holding({ try db.transaction($0) }, body) }

    // MARK: The buffer

    /// Reads the calls of a batch at once, so `current` needs no round trip.
    package func prefetch(_ ids: [String]) throws {
        // Buffered calls are not read: `current` sends the buffer first for them.
        let ids = ids.filter { !buffer.holds($0) }
        known.removeAll(keepingCapacity: true)
        for id in ids { known[id] = .some(nil) }
        let rows = try db.query(
            """
            SELECT c.call_id, c.snapshot_id, c.status, c.unchanged_checks, EXISTS (SELECT 1 FROM call_snapshots s WHERE s.call_id = c.call_id)
            FROM calls c WHERE c.call_id = ANY($1::text[])
            """, [PostgresArray.text(ids)])
        for r in rows.rows {
            known[r.string(0)] = (r.optionalInt64(1), r.optionalString(2), r.int(3), r.isNull(1) && !r.bool(4))
        }
    }

    /// Sends what is buffered (inside the caller's transaction).
    package func flush() throws {
        guard !buffer.isEmpty else { return }
        let pending = buffer
        buffer = PostgresCallBuffer()
        try pending.send(db)
    }

    /// Forgets what is buffered (its transaction rolled back).
    package func discard() {
        buffer = PostgresCallBuffer()
        known.removeAll()
        fresh = nil
    }

    /// Before a statement that reads or writes `id` itself.
    private func settle(_ id: String) throws {
        if buffer.holds(id) { try flush() }
        known[id] = nil
    }

    private func nextSnapshotID() throws -> Int64 {
        if snapshotIDs.isEmpty {
            snapshotIDs = try db.query("SELECT nextval(pg_get_serial_sequence('call_snapshots', 'snapshot_id')) FROM generate_series(1, 1000)")
                .map { $0.int64(0) }.reversed()
        }
        return snapshotIDs.removeLast()
    }

    // MARK: CallRows

    package func remember(_ id: String, at now: Int64, run: Int64?) throws -> Bool {
        try settle(id)
        return try rememberStatement.query([id, now, run]).affectedRows > 0
    }

    package func current(_ id: String) throws -> (snapshot: Int64?, status: String?, quiet: Int)? {
        fresh = nil
        if !buffer.holds(id), let found = known.removeValue(forKey: id) {
            guard let found else {
                fresh = id
                freshAbsent = true
                return nil
            }
            if found.fresh {
                fresh = id
                freshAbsent = false
            }
            return (found.snapshot, found.status, found.quiet)
        }
        try settle(id)
        let r = try currentStatement.query([id])
        return r.count == 0 ? nil : (r[0].optionalInt64(0), r[0].optionalString(1), r[0].int(2))
    }

    package func snapshot(_ id: String, sha256: String, format: String, body: [UInt8], at now: Int64, run: Int64?) throws -> Int64 {
        let json = format == "json" ? PostgresDatabase.jsonb(body) : nil
        if fresh == id {
            // A call without any body: nothing to conflict with.
            let snapshotID = try nextSnapshotID()
            buffer.snapshot(snapshotID, id, sha256: sha256, format: format, body: body, json: json, at: now, run: run)
            return snapshotID
        }
        try settle(id)
        return try snapshotStatement.query([id, sha256, format, PostgresBytes(body), now, run, json])[0].int64(0)
    }

    private func values(_ d: DerivedRow) -> [any PostgresBindable] { d.values }

    /// An id remembered at the start of a run has its row already: the
    /// first answer fills it (the conflict), as an insert would.
    package func insertCall(_ d: DerivedRow, refusal: String?, at now: Int64, run: Int64?) throws {
        if buffer.holds(d.id) {
            return buffer.call(d, refusal: refusal, at: now, run: run, quiet: 0, nextCheck: now, outcome: "ok", absent: freshAbsent)
        }
        try settle(d.id)
        try insertCallStatement.query(values(d) + [refusal, now, run])
    }

    package func updateCall(_ d: DerivedRow, refusal: String?, at now: Int64, quiet: Int, nextCheck: Int64, outcome: String) throws {
        if buffer.holds(d.id) {
            return buffer.call(d, refusal: refusal, at: now, run: nil, quiet: quiet, nextCheck: nextCheck, outcome: outcome, absent: false)
        }
        try settle(d.id)
        try deriveStatement.query(values(d) + [refusal, now, quiet, nextCheck, outcome])
    }

    package func quiet(_ id: String, at now: Int64, quiet: Int, nextCheck: Int64, outcome: String, error: String?) throws {
        try settle(id)
        try quietStatement.query([id, now, quiet, nextCheck, outcome, error])
    }

    package func statusChange(_ id: String, old: String?, new: String, at now: Int64, run: Int64?) throws {
        if buffer.holds(id) { return buffer.statusChange(id, old: old, new: new, at: now, run: run) }
        try settle(id)
        try statusChangeStatement.query([id, old, new, now, run])
    }

    package func insertEvents(_ id: String, _ events: [CallStatus.Event]) throws { try syncEvents(id, events) }

    package func syncEvents(_ id: String, _ events: [CallStatus.Event]) throws {
        // A buffered call had no body, so it has no events yet.
        if buffer.holds(id) { return buffer.events(id, events) }
        try settle(id)
        try trimEventsStatement.query([id, events.count])
        guard !events.isEmpty else { return }
        try upsertEventsStatement.query([id, PostgresArray.text(events.map(\.event)), PostgresArray.integers(events.map(\.timestamp))])
    }

    package func problems(_ id: String) throws -> Int {
        try settle(id)
        let r = try problemsStatement.query([id])
        return r.count == 0 ? 0 : r[0].int(0)
    }

    package func problem(_ id: String, at now: Int64, outcome: String, http: Int?, message: String, nextCheck: Int64, problems: Int) throws {
        try settle(id)
        try problemStatement.query([id, now, outcome, http, message, nextCheck, problems])
    }

    package func facts(of id: String) throws -> CallStatus? {
        try settle(id)
        let rows = try factsStatement.query([id])
        guard rows.count == 1 else { return nil }
        let r = rows[0]
        var s = CallStatus(
            status: r.string(0), attempts: r.optionalInt64(1), maxAttempts: r.optionalInt64(2), queuedTimestamp: r.optionalInt64(3),
            startTimestamp: r.optionalInt64(4), endTimestamp: r.optionalInt64(5), lastAttemptTimestamp: r.optionalInt64(6),
            reattemptWait: r.optionalInt64(7), duration: r.optionalInt64(8), phoneNumber: r.optionalString(9),
            success: r.optionalInt64(10).map { $0 != 0 })
        s.events = try eventsStatement.query([id]).map { CallStatus.Event(event: $0.string(0), timestamp: $0.optionalInt64(1)) }
        return s
    }

    package func rederive(_ d: DerivedRow) throws {
        try settle(d.id)
        try rederiveStatement.query(values(d))
    }

    package func callsWithSnapshot(after id: String, limit: Int) throws -> [(id: String, snapshot: Int64)] {
        try db.query("SELECT call_id, snapshot_id FROM calls WHERE snapshot_id IS NOT NULL AND call_id > $1 ORDER BY call_id LIMIT $2", [id, limit])
            .map { (id: $0.string(0), snapshot: $0.int64(1)) }
    }

    package func snapshots(of id: String) throws -> [(id: Int64, format: String, body: [UInt8])] {
        try db.query("SELECT snapshot_id, format, body FROM call_snapshots WHERE call_id = $1 ORDER BY last_seen_at, snapshot_id", [id])
            .map { (id: $0.int64(0), format: $0.string(1), body: $0.bytes(2) ?? []) }
    }

    /// Reports read `calls` itself: nothing else derives from it.
    package func rebuilt() throws {}
}
