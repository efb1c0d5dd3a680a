import ArchiveCore
import Foundation
import FuseAPI
import Postgres

/// `ArchiveRunRows` in a PostgreSQL archive, where several runs may work at
/// once from several hosts (docs/postgresql.md, "Several archivers"):
///
/// - Each run holds the session advisory lock (`runLockKey`, run_id) on a
///   second connection from its start to its end. A run is live while the
///   server shows that lock; a killed run's connection drops and the lock
///   with it, so its successor can take its calls at once.
/// - Ids are fetched only once claimed in `call_claims`, a page at a time,
///   on that second connection (each claim commits at once):
///   `FOR UPDATE SKIP LOCKED` on the calls rows, and an insert that keeps a
///   live run's claim. A call claimed by a live run, or by a run that
///   finished while this one lived (it was live when this one started, or
///   started later: run ids grow), is passed over; a killed run's calls are
///   taken over.
/// - Writes to shared rows in no set order (stale marks, the given ids'
///   labels) run under a transaction advisory lock (`setupKey`), never two
///   at once, so two runs cannot deadlock; new ids go in in id order.
package final class PostgresRunRows: ArchiveRunRows {
    package let db: PostgresConnection
    /// The run's own connection: its liveness lock and its claims.
    private let lease: PostgresConnection
    package let calls: any CallRows
    private var pending: [(id: String, typed: Bool)] = []
    /// The other runs that were live when this one started: what they did
    /// since is not done again (the second-granular times cannot tell).
    private var liveAtStart: [Int64] = []
    /// Ids passed over because another run had them.
    package private(set) var passedOver = 0

    package static let runLockKey: Int32 = 0x6361_6c6c
    /// The runs alive now: those whose connection holds their lock.
    package static let liveRuns = """
        SELECT l.objid::bigint AS run_id FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.classid = \(runLockKey)::oid AND l.objsubid = 2 AND l.granted
        """
    package static let setupKey: Int64 = 0x6361_6c6c_7365_7475

    package let sql: any SQLDatabase

    package init(db: PostgresConnection, url: String) throws {
        self.db = db
        sql = PostgresDatabase(db)
        lease = try PostgresConnection(url, applicationName: "callhist run")
        calls = try PostgresCallRows(db: db)
        try db.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS requested (seq bigserial PRIMARY KEY, call_id text COLLATE "C" NOT NULL UNIQUE, typed integer NOT NULL);
            CREATE TEMP TABLE IF NOT EXISTS requested_stage (ord bigserial PRIMARY KEY, call_id text COLLATE "C" NOT NULL, typed integer NOT NULL);
            CREATE TEMP TABLE IF NOT EXISTS plan (seq bigserial PRIMARY KEY, call_id text COLLATE "C" NOT NULL UNIQUE, given integer NOT NULL,
                reason text NOT NULL, fetches integer NOT NULL, at bigint);
            CREATE TEMP TABLE IF NOT EXISTS targets (seq bigserial PRIMARY KEY, call_id text COLLATE "C" NOT NULL UNIQUE);
            """)
    }

    deinit { lease.close() }

    package var isInTransaction: Bool { db.isInTransaction }
    package func begin() throws { try db.begin() }
    package func commit() throws {
        do {
            try flush()
            try calls.flush()
        } catch {
            rollback()
            throw error
        }
        try db.commit()
    }
    package func rollback() {
        pending.removeAll()
        calls.discard()
        db.rollback()
    }
    package func transaction<T>(_ body: () throws -> T) throws -> T {
        do {
            return try db.transaction {
                let result = try body()
                try flush()
                try calls.flush()
                return result
            }
        } catch {
            pending.removeAll()
            calls.discard()
            throw error
        }
    }
    package func fold() throws {}
    /// A commit sends the batch's buffer (a few statements) and an open
    /// transaction blocks no one: a quarter of a second at least.
    package var idleCommitAfter: Duration { .milliseconds(250) }

    /// Bulk writes to shared rows wait for each other (never a deadlock).
    private func exclusive() throws { try db.query("SELECT pg_advisory_xact_lock($1)", [Self.setupKey]) }

    // MARK: Given ids

    package func resetRequested() throws {
        pending.removeAll()
        try db.execute("TRUNCATE pg_temp.requested, pg_temp.requested_stage, pg_temp.plan, pg_temp.targets RESTART IDENTITY")
    }

    /// Buffered, then copied in order: one round trip per 10,000 ids.
    package func request(_ id: String, typed: Bool) throws {
        pending.append((id, typed))
        if pending.count >= 10_000 { try flush() }
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        let rows = pending
        pending.removeAll(keepingCapacity: true)
        try db.copyIn("COPY pg_temp.requested_stage (call_id, typed) FROM STDIN") { w in
            for r in rows { try w.row([.text(r.id), .integer(r.typed ? 1 : 0)]) }
        }
        // The first time an id comes keeps its place (typed ids come first).
        try db.execute(
            """
            INSERT INTO pg_temp.requested (call_id, typed) SELECT call_id, typed FROM pg_temp.requested_stage ORDER BY ord ON CONFLICT DO NOTHING;
            TRUNCATE pg_temp.requested_stage;
            """)
    }

    package func isRequested(_ id: String) throws -> Bool {
        try flush()
        return try db.query("SELECT 1 FROM pg_temp.requested WHERE call_id = $1", [id]).count > 0
    }

    /// One value per name, the latest wins (docs/schema.md, "call_labels").
    package func addLabels(_ labels: [Label], to id: String) throws -> Int {
        guard !labels.isEmpty else { return 0 }
        // A name given twice: its last value (one row may not be updated twice in one statement).
        var wanted: [String: String] = [:]
        for label in labels { wanted[label.name] = label.value }
        let names = wanted.keys.sorted()
        try exclusive()
        return try db.query(
            """
            INSERT INTO call_labels (call_id, name, value) SELECT $1, l.name, l.value FROM unnest($2::text[], $3::text[]) AS l(name, value)
            ORDER BY l.name ON CONFLICT (call_id, name) DO UPDATE SET value = excluded.value WHERE call_labels.value <> excluded.value
            """, [id, PostgresArray.text(names), PostgresArray.text(names.map { wanted[$0]! })]
        ).affectedRows
    }

    package func labelRequested(_ label: Label) throws -> Int {
        try flush()
        try exclusive()
        return try db.query(
            """
            INSERT INTO call_labels (call_id, name, value) SELECT call_id, $1, $2 FROM pg_temp.requested ORDER BY call_id
            ON CONFLICT (call_id, name) DO UPDATE SET value = excluded.value WHERE call_labels.value <> excluded.value
            """, [label.name, label.value]
        ).affectedRows
    }

    // MARK: The schedule

    /// On the lease connection, in a transaction of its own under the setup
    /// lock: an update of rows in no set order must not meet another run's,
    /// and the lock is held only for it.
    package func markStale(openedBefore cutoff: Int64) throws {
        let stale = "CASE WHEN \(ReportSQL.openedAt(nil)) < $1 THEN 1 ELSE 0 END"
        try lease.transaction {
            try lease.query("SELECT pg_advisory_xact_lock($1)", [Self.setupKey])
            try lease.query("UPDATE calls SET is_stale = \(stale) WHERE is_final = 0 AND is_stale <> \(stale)", [cutoff])
        }
    }

    package func classify(_ inputs: Schedule.Inputs) throws {
        try flush()
        try db.execute("TRUNCATE pg_temp.plan RESTART IDENTITY")
        let parameters = Schedule.parameters(inputs)
        let sql = Schedule.statement(temp: "pg_temp") { name in
            "$\((parameters.firstIndex { $0.name == name } ?? 0) + 1)::bigint"
        }
        try db.query(sql, parameters.map(\.value))
    }

    package func planEntries(_ body: (Archiver.PlanEntry) throws -> Void) throws {
        try db.cursor("SELECT call_id, given, reason, at FROM pg_temp.plan ORDER BY seq") { r in
            try body(
                Archiver.PlanEntry(
                    callID: r.string(0), given: r.int(1) != 0, reason: Schedule.Reason(rawValue: r.string(2)) ?? .new,
                    at: r.optionalInt64(3)))
        }
    }

    /// New ids go in in id order: two runs inserting the same ids wait for
    /// each other, never deadlock.
    package func rememberNew(at now: Int64, run: Int64) throws {
        try db.query(
            """
            INSERT INTO calls (call_id, first_seen_at, first_seen_run) SELECT call_id, $1, $2 FROM pg_temp.plan WHERE reason = 'new'
            ORDER BY call_id ON CONFLICT (call_id) DO NOTHING
            """, [now, run])
    }

    package func prepareTargets() throws -> Int {
        try db.execute(
            """
            TRUNCATE pg_temp.targets RESTART IDENTITY;
            INSERT INTO pg_temp.targets (call_id) SELECT call_id FROM pg_temp.plan WHERE fetches = 1 ORDER BY seq;
            """)
        return Int(try db.scalarInt("SELECT count(*) FROM pg_temp.targets") ?? 0)
    }

    /// Small pages: a page is claimed when the fetching thread is about to
    /// need it (it holds four), so concurrent runs share the work instead
    /// of the first one claiming everything at its start.
    package var pageSize: Int { 64 }

    /// A claim locks the call's row (`FOR UPDATE`): it must exist first.
    package var pagesClaimRows: Bool { true }

    /// The next `limit` targets, and the ones among them claimed for this
    /// run. The targets live on the main connection (a temporary table), so
    /// they are read there and claimed on the lease connection, which
    /// commits each claim at once.
    package func page(after: Int, limit: Int, run: Int64) throws -> (ids: [String], last: Int)? {
        // Looking ahead past ids other runs hold finds free ones in one round trip.
        let candidates = try db.query("SELECT seq, call_id FROM pg_temp.targets WHERE seq > $1 ORDER BY seq LIMIT $2", [after, limit * 16])
        guard candidates.count > 0 else { return nil }
        let ids = candidates.map { $0.string(1) }
        let result = try lease.query(
            """
            WITH live AS (\(Self.liveRuns)), free AS (
                SELECT c.call_id, t.pos FROM unnest($1::text[]) WITH ORDINALITY AS t(call_id, pos)
                JOIN calls c ON c.call_id = t.call_id
                LEFT JOIN call_claims k ON k.call_id = c.call_id
                LEFT JOIN archive_runs r ON r.run_id = k.run_id
                WHERE k.call_id IS NULL OR k.run_id = $2
                   OR (k.run_id NOT IN (SELECT run_id FROM live)
                       AND (r.ended_at IS NULL OR (k.run_id < $2 AND k.run_id <> ALL($3::bigint[]))))
                ORDER BY t.pos LIMIT $4
                FOR UPDATE OF c SKIP LOCKED
            ), claimed AS (
                INSERT INTO call_claims (call_id, run_id) SELECT call_id, $2 FROM free ORDER BY call_id
                ON CONFLICT (call_id) DO UPDATE SET run_id = excluded.run_id
                WHERE call_claims.run_id = excluded.run_id OR call_claims.run_id NOT IN (SELECT run_id FROM live)
                RETURNING call_id
            )
            SELECT (SELECT count(*) FROM free), (SELECT max(pos) FROM free), (SELECT string_agg(call_id, E'\\n') FROM claimed)
            """, [PostgresArray.text(ids), run, PostgresArray.integers(liveAtStart), limit])[0]
        let claimed = Set(result.string(2).split(separator: "\n").map(String.init))
        // A full page (the limit reached) ends at its last free id: the ids
        // after it are looked at again next time. A short one looked at every
        // candidate. Free ids another run claimed in the same instant (the
        // insert kept its claim) and locked ones are the other run's.
        let lastIndex = result.int(0) >= limit ? result.int(1) - 1 : candidates.count - 1
        let mine = ids[...lastIndex].filter { claimed.contains($0) }
        passedOver += lastIndex + 1 - mine.count
        return (mine, candidates[lastIndex].int(0))
    }

    // MARK: The run's row

    package func startRun(kind: String, at now: Int64) throws -> Int64 {
        // Shared with every other run; a rebuild takes it alone.
        guard try lease.query("SELECT pg_try_advisory_lock_shared($1)", [PostgresMigrator.exclusiveKey])[0].bool(0) else {
            throw ArchiveError.busy(path: lease.displayName, holder: "a rebuild (callhist rebuild)")
        }
        let run = try RunLog(sql, kind: kind, at: now).runID
        try lease.query("SELECT pg_advisory_lock($1::int, $2::int)", [Int64(Self.runLockKey), run])
        liveAtStart = try lease.query("\(Self.liveRuns) AND l.objid::bigint <> $1", [run]).map { $0.int64(0) }
        return run
    }

}
