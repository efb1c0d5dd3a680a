import ArchiveCore
import Foundation
import FuseAPI
import Postgres

/// An archive in a PostgreSQL database (docs/postgresql.md): the schema of
/// `Migrations/postgresql/`, the same report primitives as SQLite's
/// (`PostgresPrimitives`), export, doctor's checks, and `copy` in and out.
/// `path` is the URL without its password: the only way the database is
/// ever named in output.
package final class PostgresBackend: ArchiveBackend {
    /// `--db` names a PostgreSQL database (`postgresql://…` or `postgres://…`).
    package static func serves(_ location: String) -> Bool { PostgresURL.isPostgres(location) }
    /// The URL without its password.
    package static func displayName(_ location: String) -> String { PostgresURL.redacted(location) }

    package let db: PostgresConnection
    package let path: String
    /// The URL as given (it may hold the password): for a run's second connection only.
    private let url: String

    /// Connects to `url`; with `migrate`, creates or upgrades the schema
    /// first (under the advisory lock), else refuses a database whose schema
    /// is missing, older or newer than this binary's.
    package init(url: String, migrate: Bool, trace: ((String) -> Void)? = nil) throws {
        path = PostgresURL.redacted(url)
        self.url = url
        db = try PostgresConnection(url)
        db.trace = trace
        if migrate {
            try PostgresMigrator.migrate(db, name: path)
            return
        }
        let version = try PostgresMigrator.version(of: db)
        guard version != 0 else { throw ArchiveError.missing(path: path) }
        guard version <= PostgresMigrator.latestVersion else {
            throw ArchiveError.newerSchema(path: path, fileVersion: version, supportedVersion: PostgresMigrator.latestVersion)
        }
        guard version == PostgresMigrator.latestVersion else {
            throw ArchiveError.cannotOpen(path: path, detail: "schema version \(version) is older than \(PostgresMigrator.latestVersion); run `callhist migrate` on it first")
        }
    }

    private var primitives: PostgresPrimitives { PostgresPrimitives(db: db) }

    // MARK: Report primitives

    package func statusCounts(_ filter: CallFilter) throws -> [String: Int] { try primitives.statusCounts(filter) }
    package func finalAttemptGroups(_ filter: CallFilter) throws -> [AttemptGroup] { try primitives.finalAttemptGroups(filter) }
    package func durationHistogram(_ filter: CallFilter) throws -> [(value: Int64, count: Int)] { try primitives.durationHistogram(filter) }
    package func unknownDurations(_ filter: CallFilter) throws -> Int { try primitives.unknownDurations(filter) }
    package func quarterHours(_ filter: CallFilter) throws -> [QuarterHour] { try primitives.quarterHours(filter) }

    package func pending(_ filter: CallFilter, limit: Int) throws -> PendingReport {
        var report = PendingReport()
        report.pending = try statusCounts(filter).filter { !ReportSQL.isFinal($0.key) }.values.reduce(0, +)
        var q = PostgresQuery()
        let w = q.filter(filter)
        report.unfetched = Int(try db.scalarInt("SELECT count(*) FROM calls c WHERE c.status IS NULL AND c.is_final = 0 AND \(w)", q.values) ?? 0)
        // The period on the order key too, as on SQLite (a range of calls_open).
        var order = ""
        let key = "coalesce(c.queued_timestamp, c.first_seen_at)"
        if let since = filter.since { order += " AND \(key) >= \(q.bind(since))" }
        if let until = filter.until { order += " AND \(key) < \(q.bind(until))" }
        report.stale = Int(try db.scalarInt("SELECT count(*) FROM calls c WHERE c.is_final = 0 AND c.is_stale <> 0 AND \(w)\(order)", q.values) ?? 0)
        report.rows = try db.query("""
            SELECT c.call_id, c.status, c.queued_timestamp, c.first_seen_at, c.attempts, c.max_attempts, c.last_fetched_at,
                   c.next_check_at, c.is_stale, c.last_outcome, c.last_error
            FROM calls c WHERE c.is_final = 0 AND \(w)\(order)
            ORDER BY \(key), c.call_id \(limit > 0 ? "LIMIT \(limit)" : "")
            """, q.values).map { r in
            PendingReport.Row(callID: r.string(0), status: r.optionalString(1), queuedAt: r.optionalInt64(2), firstSeenAt: r.int64(3),
                              attempts: r.optionalInt64(4), maxAttempts: r.optionalInt64(5), lastFetchedAt: r.optionalInt64(6),
                              nextCheckAt: r.int64(7), stale: r.int(8) != 0, lastOutcome: r.optionalString(9), lastError: r.optionalString(10))
        }
        return report
    }

    package func runs(since: Int64?, until: Int64?, limit: Int) throws -> [RunsReport.Row] {
        try db.query("""
            SELECT run_id, kind, started_at, ended_at, requested, fetched, changed, unchanged, not_found, forbidden, failed,
                   left_over, http_requests, exit_code, message, version
            FROM archive_runs WHERE ($1::bigint IS NULL OR started_at >= $1) AND ($2::bigint IS NULL OR started_at < $2)
            ORDER BY run_id DESC \(limit > 0 ? "LIMIT \(limit)" : "")
            """, [since, until]).map { r in
            var c = RunCounts()
            c.requested = r.int(4); c.fetched = r.int(5); c.changed = r.int(6); c.unchanged = r.int(7); c.notFound = r.int(8)
            c.forbidden = r.int(9); c.failed = r.int(10); c.leftOver = r.int(11); c.httpRequests = r.int(12)
            return RunsReport.Row(runID: r.int64(0), kind: r.string(1), startedAt: r.int64(2), endedAt: r.optionalInt64(3), counts: c,
                                  exitCode: r.optionalInt(13), message: r.optionalString(14), version: r.optionalString(15))
        }
    }

    /// Integer columns as integers, text as text: `SELECT *` reads as SQLite's does.
    package func call(_ id: String) throws -> CallReport? {
        let row = try db.query("SELECT * FROM calls WHERE call_id = $1", [id])
        guard row.count == 1 else { return nil }
        var report = CallReport()
        let integerTypes: Set<UInt32> = [20, 21, 23]
        report.fields = (0..<row.columnCount).map { i in
            let r = row[0]
            let value: SQLValue = r.isNull(i) ? .null : integerTypes.contains(row.columnType(i)) ? .integer(r.int64(i)) : .text(r.string(i))
            return (row.columnName(i), value)
        }
        report.events = CallReport.timeline(try db.query("""
            SELECT seq, event, timestamp FROM call_events WHERE call_id = $1 ORDER BY timestamp IS NULL, timestamp, seq
            """, [id]).map { (seq: $0.int(0), event: $0.string(1), timestamp: $0.optionalInt64(2)) })
        report.deriveTimes()
        report.statusChanges = try db.query("SELECT old_status, new_status, observed_at, run_id FROM status_changes WHERE call_id = $1 ORDER BY change_id", [id])
            .map { CallReport.StatusChange(oldStatus: $0.optionalString(0), newStatus: $0.string(1), observedAt: $0.int64(2), runID: $0.optionalInt64(3)) }
        report.snapshots = try db.query("""
            SELECT s.snapshot_id, s.body_sha256, s.format, s.first_seen_at, s.last_seen_at, s.times_seen, (s.snapshot_id = c.snapshot_id)::int
            FROM call_snapshots s JOIN calls c USING (call_id) WHERE s.call_id = $1 ORDER BY s.snapshot_id
            """, [id]).map { CallReport.Snapshot(snapshotID: $0.int64(0), sha256: $0.string(1), format: $0.string(2), firstSeenAt: $0.int64(3),
                                                lastSeenAt: $0.int64(4), timesSeen: $0.int(5), current: $0.int(6) != 0) }
        return report
    }

    package func distinctStatuses() throws -> [String] {
        try db.query("SELECT DISTINCT status FROM calls WHERE status IS NOT NULL").map { $0.string(0) }
    }

    package func queuedRange() throws -> (first: Int64, last: Int64, calls: Int)? {
        let r = try db.query("""
            SELECT min(c.queued_timestamp), max(c.queued_timestamp), count(*) FROM calls c
            WHERE c.status IS NOT NULL AND c.queued_timestamp BETWEEN \(FieldBounds.timestamp.lowerBound) AND \(FieldBounds.timestamp.upperBound)
            """)
        return r[0].optionalInt64(0).map { (first: $0, last: r[0].int64(1), calls: r[0].int(2)) }
    }

    // MARK: Labels and anomalies

    package func labelNames() throws -> [String] { try db.query("SELECT DISTINCT name FROM call_labels ORDER BY name").map { $0.string(0) } }
    package func labelGroups(_ name: String, _ filter: CallFilter) throws -> [LabelGroup] { try primitives.labelGroups(name, filter) }
    package func labelDurations(_ name: String, _ filter: CallFilter) throws -> [(value: String, duration: Int64, count: Int)] {
        try primitives.labelDurations(name, filter)
    }
    package func labelQuarterHours(_ name: String, _ filter: CallFilter) throws -> [String: [QuarterHour]] { try primitives.labelQuarterHours(name, filter) }

    package func stuckCalls(activeBefore cutoff: Int64, labels: [Label]) throws -> [AnomalyFacts.StuckCall] {
        try primitives.stuckCalls(activeBefore: cutoff, labels: labels)
    }
    package func suspectCalls(_ filter: CallFilter) throws -> [AnomalyFacts.SuspectCall] { try primitives.suspectCalls(filter) }
    package func finalStatusChanges(since: Int64, until: Int64, labels: [Label]) throws -> [AnomalyFacts.FinalChange] {
        try primitives.finalStatusChanges(since: since, until: until, labels: labels)
    }
    package func failingCalls(atLeast: Int, since: Int64, until: Int64, labels: [Label]) throws -> [AnomalyFacts.FailingCall] {
        try primitives.failingCalls(atLeast: atLeast, since: since, until: until, labels: labels)
    }

    // MARK: Whole-archive operations

    /// Several runs may archive into one database at once: `PostgresRunRows` claims their ids.
    package func runRows() throws -> any ArchiveRunRows { try PostgresRunRows(db: db, url: url) }
    package func givenIDRows() -> any GivenIDRows { PostgresGivenIDRows(db: db) }
    package func copyEnd() -> any CopyEnd { PostgresCopyEnd(db: db) }

    /// Runs `body` holding the advisory lock every run holds shared (`PostgresRunRows`).
    package func alone<T>(_ others: String, _ body: () throws -> T) throws -> T {
        guard try db.query("SELECT pg_try_advisory_lock($1)", [PostgresMigrator.exclusiveKey])[0].bool(0) else {
            throw ArchiveError.busy(path: path, holder: others)
        }
        defer { _ = try? db.query("SELECT pg_advisory_unlock($1)", [PostgresMigrator.exclusiveKey]) }
        return try body()
    }

    package func export(_ table: Exporter.Table, format: Exporter.Format, filter: CallFilter, to sink: OutputSink) throws -> Int {
        try PostgresExporter(db: db).export(table, format: format, filter: filter, to: sink)
    }

    package func backup(to destination: String) throws -> Int {
        throw ArchiveError.unsupported(path: path, operation: "backup", instead: """
            back a PostgreSQL archive up with its own tools: `pg_dump --format=custom --file=callhist.dump DBNAME` \
            (consistent while archivers write), or take a local SQLite copy with `callhist copy --from \(path) --to FILE`
            """)
    }

    package func checks() throws -> [ArchiveCheck] {
        var out: [ArchiveCheck] = []
        let server = try db.scalarString("SHOW server_version") ?? "?"
        out.append(.init(.ok, "\(path) connects; schema version \(try schemaVersion) (PostgreSQL \(server))"))
        let broken = try db.scalarInt("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid") ?? 0
        out.append(.init(broken == 0 ? .ok : .fail, broken == 0 ? "indexes: all valid" : "indexes: \(broken) invalid; REINDEX them"))
        let orphans = try db.scalarInt("""
            SELECT count(*) FROM call_events e LEFT JOIN calls c USING (call_id) WHERE c.call_id IS NULL OR c.snapshot_id IS NULL
            """) ?? 0
        out.append(.init(orphans == 0 ? .ok : .fail, "orphan events: \(orphans)"))
        let counts = try db.query("""
            SELECT count(*), count(*) FILTER (WHERE is_final = 0 AND status IS NOT NULL), count(*) FILTER (WHERE is_stale <> 0),
                   count(*) FILTER (WHERE status IS NULL) FROM calls
            """)[0]
        out.append(.init(.info, "\(counts.int(0)) calls: \(counts.int(1)) pending, \(counts.int(2)) stale, \(counts.int(3)) never fetched successfully"))
        // Runs without an end: running (their connection holds their lock) or killed.
        let when = { (t: Int64) in ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(t))) }
        for r in try db.query("""
            SELECT run_id, kind, started_at, coalesce(host, '?'), run_id IN (\(PostgresRunRows.liveRuns)) FROM archive_runs
            WHERE ended_at IS NULL ORDER BY run_id DESC LIMIT 20
            """).rows {
            let what = "run \(r.int64(0)) (\(r.string(1)) on \(r.string(3)), started \(when(r.int64(2))))"
            out.append(r.bool(4) ? .init(.info, "\(what) is still running")
                : .init(.warn, "\(what) was killed: it never finished and holds nothing. The next run carries on; nothing needs repair."))
        }
        let last = try db.query("SELECT run_id, kind, started_at, exit_code, message, host FROM archive_runs WHERE ended_at IS NOT NULL ORDER BY run_id DESC LIMIT 1")
        if last.count == 1 {
            let r = last[0]
            let what = "last finished run \(r.int64(0)) (\(r.string(1))\(r.optionalString(5).map { " on \($0)" } ?? ""), \(when(r.int64(2))))"
            out.append(r.int(3) != 0 ? .init(.warn, "\(what) exited \(r.int(3)): \(r.string(4))") : .init(.ok, "\(what) exited 0"))
        } else {
            out.append(.init(.info, "no finished archive run yet"))
        }
        if let latest = try db.scalarInt("SELECT max(started_at) FROM archive_runs") {
            let age = SafeMath.minus(Int64(Date().timeIntervalSince1970), latest) ?? 0
            if age > 2 * 86_400 { out.append(.init(.warn, "no run for \(age / 86_400) days: is the nightly job installed?")) }
        }
        return out
    }

    package func lastSuccessfulArchive() throws -> Int64? {
        try db.scalarInt("SELECT max(ended_at) FROM archive_runs WHERE kind = 'archive' AND exit_code = 0")
    }

    package var schemaVersion: Int { get throws { try PostgresMigrator.version(of: db) } }

    package func close() throws { db.close() }
}
