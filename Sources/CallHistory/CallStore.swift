import FuseAPI
import SQLite

/// The write side of the archive: every id remembered, every distinct body
/// kept, `calls` and `call_events` derived from each call's newest snapshot.
/// It never erases archived call data: problems are recorded beside it.
/// Callers group calls into transactions (see `BatchWriter`).
public final class CallStore {
    public enum Change: Equatable {
        /// The first successful body for this call.
        case new
        /// The call's facts differ from what was archived.
        case changed
        /// Same facts (same body, or the same call in other bytes).
        case unchanged
        /// An answer older than the archived one (`HistoryOrder`): its body
        /// is kept in `call_snapshots`, the call stays as it was.
        case older
    }

    let db: Connection
    /// The `archive_runs` row of the run writing, for provenance.
    public let runID: Int64?

    /// The longest a call waits between checks when nothing changes.
    public static let maxBackoff: Int64 = 7 * 86_400
    /// The wait after the first unchanged check; it doubles each time.
    public static let firstBackoff: Int64 = 3_600

    // Prepared once: these run for every call of a large run.
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

    init(db: Connection, runID: Int64?) throws {
        self.db = db
        self.runID = runID
        rememberStatement = try db.prepare("INSERT INTO calls (call_id, first_seen_at, first_seen_run) VALUES (?, ?, ?) ON CONFLICT (call_id) DO NOTHING")
        snapshotStatement = try db.prepare("""
            INSERT INTO call_snapshots (call_id, body_sha256, format, body, first_seen_at, last_seen_at, first_run_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)
            ON CONFLICT (call_id, body_sha256) DO UPDATE SET last_seen_at = excluded.last_seen_at, times_seen = times_seen + 1
            RETURNING snapshot_id
            """)
        currentStatement = try db.prepare("SELECT snapshot_id, status, unchanged_checks FROM calls WHERE call_id = ?")
        let derived = Self.derivedColumns.joined(separator: ", ")
        // After the id (?1) and the derived columns come the statement's own values.
        let n = Self.derivedColumns.count + 1
        let derivedParameters = (2...n).map { "?\($0)" }.joined(separator: ", ")
        insertCallStatement = try db.prepare("""
            INSERT INTO calls (call_id, \(derived), last_error, first_seen_at, first_seen_run, last_fetched_at, last_success_at, next_check_at, last_outcome, last_http_code)
            VALUES (?1, \(derivedParameters), ?\(n + 1), ?\(n + 2), ?\(n + 3), ?\(n + 2), ?\(n + 2), ?\(n + 2), 'ok', 200)
            """)
        deriveStatement = try db.prepare("""
            UPDATE calls SET \(Self.derivedAssignments), last_error = ?\(n + 1),
                last_fetched_at = ?\(n + 2), last_success_at = ?\(n + 2), unchanged_checks = ?\(n + 3), next_check_at = ?\(n + 4),
                is_stale = 0, last_outcome = ?\(n + 5), last_http_code = 200, failed_checks = 0
            WHERE call_id = ?1
            """)
        quietStatement = try db.prepare("""
            UPDATE calls SET last_fetched_at = ?2, last_success_at = ?2, unchanged_checks = ?3, next_check_at = ?4,
                is_stale = 0, last_outcome = ?5, last_http_code = 200, last_error = ?6, failed_checks = 0
            WHERE call_id = ?1
            """)
        problemStatement = try db.prepare("""
            UPDATE calls SET last_fetched_at = ?2, last_outcome = ?3, last_http_code = ?4, last_error = ?5,
                next_check_at = ?6, unchanged_checks = ?7, failed_checks = failed_checks + 1
            WHERE call_id = ?1
            """)
        statusChangeStatement = try db.prepare("INSERT INTO status_changes (call_id, old_status, new_status, observed_at, run_id) VALUES (?, ?, ?, ?, ?)")
        trimEventsStatement = try db.prepare("DELETE FROM call_events WHERE call_id = ? AND seq >= ?")
        upsertEventStatement = try db.prepare("""
            INSERT INTO call_events (call_id, seq, event, timestamp) VALUES (?, ?, ?, ?)
            ON CONFLICT (call_id, seq) DO UPDATE SET event = excluded.event, timestamp = excluded.timestamp
            WHERE event IS NOT excluded.event OR timestamp IS NOT excluded.timestamp
            """)
    }

    /// The `calls` columns derived from a body, in the order `derivedValues`
    /// binds them from ?2 on (?1 is the call id): written once, used by the
    /// insert, the update after a fetch, and rebuild.
    static let derivedColumns = ["status", "phone_number", "attempts", "max_attempts", "queued_timestamp", "start_timestamp", "end_timestamp",
                                 "last_attempt_timestamp", "reattempt_wait", "duration", "success", "snapshot_id", "is_final", "event_duration",
                                 "event_disorder"]
    static let derivedAssignments = derivedColumns.enumerated().map { "\($1) = ?\($0 + 2)" }.joined(separator: ", ")

    /// The wait before the next check after `k` consecutive checks without news.
    public static func backoff(afterQuietChecks k: Int) -> Int64 {
        k <= 0 ? 0 : min(maxBackoff, firstBackoff << Int64(min(k - 1, 20)))
    }

    /// Adds `id` to `calls` when it is new; returns true when it was.
    @discardableResult
    public func remember(_ id: String, at now: Int64) throws -> Bool {
        try rememberStatement.run([id, now, runID])
        return db.changes > 0
    }

    /// Archives a successful body for `id`. Inside the caller's transaction
    /// (a batch) when there is one, else in its own: the deferred foreign keys
    /// between a call and its first snapshot need one.
    public func store(_ id: String, _ status: CallStatus, at now: Int64) throws -> Change {
        guard db.isInTransaction else { return try db.transaction { try storeInTransaction(id, status, at: now) } }
        return try storeInTransaction(id, status, at: now)
    }

    private func storeInTransaction(_ id: String, _ status: CallStatus, at now: Int64) throws -> Change {
        let current = try currentStatement.first([id]) { (snapshot: $0.optionalInt64(0), status: $0.optionalString(1), quiet: $0.int(2)) }
        // The body byte for byte, valid UTF-8 or not; its hash is over the same bytes.
        let snapshotID = try snapshotStatement.first([id, SHA256.hex(status.body), status.format.rawValue,
                                                      TextBytes(status.body), now, runID]) { $0.int64(0) }!
        guard let current else {
            // Never seen: one INSERT carries the whole row.
            try insertCallStatement.run(derivedValues(id, status, snapshotID) + [Self.refusal(status), now, runID])
            try statusChangeStatement.run([id, nil as String?, status.status, now, runID])
            try insertEvents(id, status.events, from: 0)
            return .new
        }
        if current.snapshot == snapshotID {
            try quiet(id, quietChecks: current.quiet + 1, outcome: "unchanged", error: Self.refusal(status), at: now)
            return .unchanged
        }
        let change: Change
        if current.snapshot == nil {
            change = .new
        } else if let old = try facts(of: id) {
            if old.sameFacts(as: status) {
                change = .unchanged
            } else if HistoryOrder.isOlder(status, than: old) {
                try quiet(id, quietChecks: current.quiet + 1, outcome: "older",
                          error: "an older answer (\(SafeText.escape(status.status))) was kept in call_snapshots only", at: now)
                return .older
            } else {
                change = .changed
            }
        } else {
            change = .changed
        }
        if current.status != status.status {
            try statusChangeStatement.run([id, current.status, status.status, now, runID])
        }
        let quiet = change == .unchanged ? current.quiet + 1 : 0
        try deriveStatement.run(derivedValues(id, status, snapshotID) + [
            Self.refusal(status), now, quiet, now + Self.backoff(afterQuietChecks: quiet), change == .unchanged ? "unchanged" : "ok",
        ])
        try syncEvents(id, status.events)
        return change
    }

    private func quiet(_ id: String, quietChecks: Int, outcome: String, error: String?, at now: Int64) throws {
        try quietStatement.run([id, now, quietChecks, SafeMath.plus(now, Self.backoff(afterQuietChecks: quietChecks)), outcome, error])
    }

    /// What `last_error` says of a body whose numbers were refused, or nil.
    static func refusal(_ s: CallStatus) -> String? {
        guard !s.refusedFields.isEmpty else { return nil }
        let list = s.refusedFields.prefix(10).joined(separator: ", ") + (s.refusedFields.count > 10 ? ", …" : "")
        return SafeText.escape("refused out-of-range or non-integer fields (stored as NULL; the body is kept): \(list)")
    }

    /// Re-derives `id` from one snapshot's decoding, leaving bookkeeping alone (for `rebuild`).
    func rederive(_ id: String, from s: CallStatus, snapshotID: Int64) throws {
        try db.cached("UPDATE calls SET \(Self.derivedAssignments) WHERE call_id = ?1").run(derivedValues(id, s, snapshotID))
        try syncEvents(id, s.events)
    }

    private func derivedValues(_ id: String, _ s: CallStatus, _ snapshotID: Int64) -> [any SQLiteBindable] {
        [id, s.status, s.phoneNumber, s.attempts, s.maxAttempts, s.queuedTimestamp, s.startTimestamp, s.endTimestamp,
         s.lastAttemptTimestamp, s.reattemptWait, s.duration, s.success, snapshotID, s.isFinal, Self.eventDuration(s.events),
         Self.eventDisorder(s.events)]
    }

    /// Seconds from the first `connected` event to the first `disconnected`
    /// at or after it, by timestamp whatever the list order; nil without both.
    /// Reports use it where the API gave no `duration` (docs/reports.md).
    static func eventDuration(_ events: [CallStatus.Event]) -> Int64? {
        guard let connected = events.filter({ $0.event == "connected" }).compactMap(\.timestamp).min(),
              let end = events.filter({ $0.event == "disconnected" }).compactMap(\.timestamp).filter({ $0 >= connected }).min()
        else { return nil }
        return SafeMath.minus(end, connected)
    }

    /// The position of the first event whose timestamp is earlier than one
    /// before it in the API's list (events without a timestamp skipped), or
    /// nil when the list is in time order: `report anomalies` reads it.
    static func eventDisorder(_ events: [CallStatus.Event]) -> Int? {
        var latest = Int64.min
        for (seq, e) in events.enumerated() {
            guard let t = e.timestamp else { continue }
            if t < latest { return seq }
            latest = t
        }
        return nil
    }

    private func syncEvents(_ id: String, _ events: [CallStatus.Event]) throws {
        try trimEventsStatement.run([id, events.count])
        for (seq, e) in events.enumerated() { try upsertEventStatement.run([id, seq, e.event, e.timestamp]) }
    }

    /// Inserts a new call's events with one multi-row statement per event count.
    private func insertEvents(_ id: String, _ events: [CallStatus.Event], from start: Int) throws {
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
        for (seq, e) in events.enumerated() { values += [id, start + seq, e.event, e.timestamp] as [any SQLiteBindable] }
        try statement.run(values)
    }

    /// Records a fetch that brought no body (404, 403, failure, malformed
    /// body) beside whatever is archived, and backs the next check off.
    public func recordProblem(_ id: String, outcome: String, httpStatus: Int?, message: String, at now: Int64) throws {
        try remember(id, at: now)
        // The first problem leaves the id due on the next run; repeats back off
        // (the same `backoff` as unchanged answers: one formula).
        let problems = try db.cached("SELECT unchanged_checks FROM calls WHERE call_id = ?").first([id]) { $0.int(0) } ?? 0
        try problemStatement.run([id, now, outcome, httpStatus, SafeText.escape(message),
                                  SafeMath.plus(now, Self.backoff(afterQuietChecks: problems)), problems + 1])
    }

    /// The archived facts of `id` (derived columns and events), without a body.
    func facts(of id: String) throws -> CallStatus? {
        guard var s = try db.cached("""
            SELECT status, attempts, max_attempts, queued_timestamp, start_timestamp, end_timestamp, last_attempt_timestamp,
                   reattempt_wait, duration, phone_number, success
            FROM calls WHERE call_id = ? AND status IS NOT NULL
            """).first([id], { r in
                CallStatus(status: r.string(0), attempts: r.optionalInt64(1), maxAttempts: r.optionalInt64(2), queuedTimestamp: r.optionalInt64(3),
                           startTimestamp: r.optionalInt64(4), endTimestamp: r.optionalInt64(5), lastAttemptTimestamp: r.optionalInt64(6),
                           reattemptWait: r.optionalInt64(7), duration: r.optionalInt64(8), phoneNumber: r.optionalString(9),
                           success: r.optionalInt64(10).map { $0 != 0 })
            }) else { return nil }
        s.events = try db.cached("SELECT event, timestamp FROM call_events WHERE call_id = ? ORDER BY seq")
            .map([id]) { CallStatus.Event(event: $0.string(0), timestamp: $0.optionalInt64(1)) }
        return s
    }
}
