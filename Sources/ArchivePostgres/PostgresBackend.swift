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
            throw ArchiveError.cannotOpen(
                path: path, detail: "schema version \(version) is older than \(PostgresMigrator.latestVersion); run `callhist migrate` on it first")
        }
    }

    private var primitives: PostgresPrimitives { PostgresPrimitives(db: db) }

    /// A new connection, tried for up to 20 s (a restart takes a few): the
    /// run whose connection the server dropped closes its row on it.
    package func reconnected() throws -> (any SQLDatabase)? {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                return PostgresDatabase(try PostgresConnection(url))
            } catch {
                guard ContinuousClock.now < deadline else { throw error }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
    }

    // MARK: Report primitives

    package func statusCounts(_ filter: CallFilter) throws -> [String: Int] { try primitives.statusCounts(filter) }
    package func finalAttemptGroups(_ filter: CallFilter) throws -> [AttemptGroup] { try primitives.finalAttemptGroups(filter) }
    package func durationHistogram(_ filter: CallFilter) throws -> [(value: Int64, count: Int)] { try primitives.durationHistogram(filter) }
    package func unknownDurations(_ filter: CallFilter) throws -> Int { try primitives.unknownDurations(filter) }
    package func quarterHours(_ filter: CallFilter) throws -> [QuarterHour] { try primitives.quarterHours(filter) }
    package func answeredQuarters(_ filter: CallFilter) throws -> [Int64: Int] { try primitives.answeredQuarters(filter) }
    package func quarterDurations(_ filter: CallFilter, _ visit: (DurationSlot) -> Void) throws {
        try primitives.quarterDurations(filter, visit)
    }

    // MARK: Labels and anomalies

    package func labelGroups(_ name: String, _ filter: CallFilter) throws -> [LabelGroup] { try primitives.labelGroups(name, filter) }
    package func labelDurations(_ name: String, _ filter: CallFilter) throws -> [(value: String, duration: Int64, count: Int)] {
        try primitives.labelDurations(name, filter)
    }
    package func labelQuarterHours(_ name: String, _ filter: CallFilter) throws -> [String: [QuarterHour]] {
        try primitives.labelQuarterHours(name, filter)
    }

    package func suspectCalls(_ filter: CallFilter) throws -> [AnomalyFacts.SuspectCall] { try primitives.suspectCalls(filter) }

    // MARK: Whole-archive operations

    /// Several runs may archive into one database at once: `PostgresRunRows` claims their ids.
    package func runRows() throws -> any ArchiveRunRows { try PostgresRunRows(db: db, url: url) }
    package var sql: any SQLDatabase { PostgresDatabase(db) }

    /// Runs `body` holding the advisory lock every run holds shared (`PostgresRunRows`).
    package func alone<T>(_ others: String, _ body: () throws -> T) throws -> T {
        guard try db.query("SELECT pg_try_advisory_lock($1)", [PostgresMigrator.exclusiveKey])[0].bool(0) else {
            throw ArchiveError.busy(path: path, holder: others)
        }
        defer { _ = try? db.query("SELECT pg_advisory_unlock($1)", [PostgresMigrator.exclusiveKey]) }
        return try body()
    }

    package func export(_ table: Exporter.Table, format: Exporter.Format, filter: CallFilter, zone: TimeZone?, to sink: OutputSink) throws -> Int {
        try PostgresExporter(db: db).export(table, format: format, filter: filter, zone: zone, to: sink)
    }

    package func backup(to destination: String) throws -> Int {
        throw ArchiveError.unsupported(
            path: path, operation: "backup",
            instead: """
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
        let orphans =
            try db.scalarInt(
                """
                SELECT count(*) FROM call_events e LEFT JOIN calls c USING (call_id) WHERE c.call_id IS NULL OR c.snapshot_id IS NULL
                """) ?? 0
        out.append(.init(orphans == 0 ? .ok : .fail, "orphan events: \(orphans)"))
        let counts = try db.query(
            """
            SELECT count(*), count(*) FILTER (WHERE is_final = 0 AND status IS NOT NULL), count(*) FILTER (WHERE is_stale <> 0),
                   count(*) FILTER (WHERE status IS NULL) FROM calls
            """)[0]
        out.append(
            .init(.info, "\(counts.int(0)) calls: \(counts.int(1)) pending, \(counts.int(2)) stale, \(counts.int(3)) never fetched successfully"))
        // Runs without an end: running (their connection holds their lock) or killed.
        let when = { (t: Int64) in ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(t))) }
        for r in try db.query(
            """
            SELECT run_id, kind, started_at, coalesce(host, '?'), run_id IN (\(PostgresRunRows.liveRuns)) FROM archive_runs
            WHERE ended_at IS NULL ORDER BY run_id DESC LIMIT 20
            """
        ).rows {
            let what = "run \(r.int64(0)) (\(r.string(1)) on \(r.string(3)), started \(when(r.int64(2))))"
            out.append(
                r.bool(4)
                    ? .init(.info, "\(what) is still running")
                    : .init(.warn, "\(what) was killed: it never finished and holds nothing. The next run carries on; nothing needs repair."))
        }
        let last = try db.query(
            "SELECT run_id, kind, started_at, exit_code, message, host FROM archive_runs WHERE ended_at IS NOT NULL ORDER BY run_id DESC LIMIT 1")
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

    package var schemaVersion: Int { get throws { try PostgresMigrator.version(of: db) } }

    package func close() throws { db.close() }
}
