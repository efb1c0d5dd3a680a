import ArchiveCore
import FuseAPI
import SQLite

/// `ArchiveRunRows` in a SQLite archive: the given ids, the plan and the
/// targets in temporary tables (on disk when large, so ten million ids cost
/// no Swift memory), the run's row through `RunLog`.
package final class SQLiteRunRows: ArchiveRunRows {
    package let db: Connection
    package let calls: any CallRows

    package let sql: any SQLDatabase

    package init(db: Connection) throws {
        self.db = db
        sql = SQLiteDatabase(db)
        calls = try SQLiteCallRows(db: db, buffering: true)
    }

    package var isInTransaction: Bool { db.isInTransaction }
    package func begin() throws { try db.begin() }
    /// The calls' buffered writes go in first (`SQLiteCallRows`).
    package func commit() throws {
        do {
            try calls.flush()
        } catch {
            rollback()
            throw error
        }
        try db.commit()
        sizeTheLog()
    }

    package func rollback() {
        calls.discard()
        db.rollback()
    }
    package func transaction<T>(_ body: () throws -> T) throws -> T { try calls.transaction(body) }

    /// The log's size when SQLite copies it back into the file, in pages.
    private var checkpointPages = 1000

    /// A large file's log is copied back at an eighth of its size (up to
    /// 64 MiB), not at SQLite's 4 MiB: each copy waits for two fsyncs on the
    /// writing thread, and an index page that every batch changes is copied
    /// once per checkpoint rather than once per batch (scripts/bench-archive.sh,
    /// large runs). A small file keeps SQLite's 4 MiB: its disk may be small too.
    /// Nothing is lost when this fails: SQLite's own size stays in force.
    private func sizeTheLog() {
        guard let count = try? db.scalarInt("PRAGMA page_count") else { return }
        let pages = min(16_000, max(1000, Int(count) / 8))
        guard pages != checkpointPages, (try? db.execute("PRAGMA wal_autocheckpoint = \(pages)")) != nil else { return }
        checkpointPages = pages
    }

    package func fold() throws { try Aggregates.fold(db) }
    /// A commit is cheap and a held write transaction blocks the next writer: at once.
    package var idleCommitAfter: Duration { .zero }

    package func resetRequested() throws {
        try db.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS requested (seq INTEGER PRIMARY KEY, call_id TEXT NOT NULL UNIQUE, typed INTEGER NOT NULL);
            DELETE FROM temp.requested;
            """)
    }

    package func request(_ id: String, typed: Bool) throws {
        // Typed ids come first: an id both typed and in a file counts as typed.
        try db.cached("INSERT INTO temp.requested (call_id, typed) VALUES (?, ?) ON CONFLICT (call_id) DO NOTHING").run([id, typed])
    }

    package func isRequested(_ id: String) throws -> Bool {
        try db.cached("SELECT 1 FROM temp.requested WHERE call_id = ?").first([id]) { _ in true } ?? false
    }
    package func addLabels(_ labels: [Label], to id: String) throws -> Int { try LabelWriter(db: db).add(labels, to: id) }

    package func labelRequested(_ label: Label) throws -> Int {
        try db.cached(
            """
            INSERT INTO call_labels (call_id, name, value) SELECT call_id, ?1, ?2 FROM temp.requested WHERE true
            ON CONFLICT (call_id, name) DO UPDATE SET value = excluded.value WHERE call_labels.value <> excluded.value
            """
        ).run([label.name, label.value])
        return db.changes
    }

    package func markStale(openedBefore cutoff: Int64) throws {
        try db.cached(
            """
            UPDATE calls SET is_stale = (\(ReportSQL.openedAt(nil)) < ?1)
            WHERE is_final = 0 AND is_stale IS NOT (\(ReportSQL.openedAt(nil)) < ?1)
            """
        ).run([cutoff])
    }

    package func classify(_ inputs: Schedule.Inputs) throws {
        try db.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS plan (seq INTEGER PRIMARY KEY, call_id TEXT NOT NULL UNIQUE, given INTEGER NOT NULL,
                reason TEXT NOT NULL, fetches INTEGER NOT NULL, at INTEGER);
            DELETE FROM temp.plan;
            """)
        var named: [String: any SQLiteBindable] = [:]
        for p in Schedule.parameters(inputs) { named[":" + p.name] = p.value }
        try db.cached(Schedule.statement(temp: "temp") { ":" + $0 }).run(named: named)
    }

    package func planEntries(_ body: (Archiver.PlanEntry) throws -> Void) throws {
        try db.prepare("SELECT call_id, given, reason, at FROM temp.plan ORDER BY seq").forEachRow { r in
            try body(
                Archiver.PlanEntry(
                    callID: r.string(0), given: r.int(1) != 0, reason: Schedule.Reason(rawValue: r.string(2)) ?? .new,
                    at: r.optionalInt64(3)))
        }
    }

    package func rememberNew(at now: Int64, run: Int64) throws {
        try db.cached(
            "INSERT INTO calls (call_id, first_seen_at, first_seen_run) SELECT call_id, ?, ? FROM temp.plan WHERE reason = 'new' ON CONFLICT (call_id) DO NOTHING"
        )
        .run([now, run])
    }

    package func prepareTargets() throws -> Int {
        try db.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS targets (seq INTEGER PRIMARY KEY, call_id TEXT NOT NULL UNIQUE);
            DELETE FROM temp.targets;
            INSERT INTO temp.targets (call_id) SELECT call_id FROM temp.plan WHERE fetches ORDER BY seq;
            """)
        return Int(try db.scalarInt("SELECT count(*) FROM temp.targets") ?? 0)
    }

    package func page(after: Int, limit: Int, run: Int64) throws -> (ids: [String], last: Int)? {
        let rows = try db.cached("SELECT seq, call_id FROM temp.targets WHERE seq > ? ORDER BY seq LIMIT ?").map([after, limit]) {
            (seq: $0.int(0), id: $0.string(1))
        }
        guard let last = rows.last else { return nil }
        return (rows.map(\.id), last.seq)
    }

    /// Large pages: one run at a time holds a SQLite archive (`RunLock`).
    package var pageSize: Int { 5000 }
    /// Nothing is passed over.
    package var passedOver: Int { 0 }
    /// Pages claim nothing: one run at a time holds the file.
    package var pagesClaimRows: Bool { false }

    package func startRun(kind: String, at now: Int64) throws -> Int64 { try RunLog(sql, kind: kind, at: now).runID }
}
