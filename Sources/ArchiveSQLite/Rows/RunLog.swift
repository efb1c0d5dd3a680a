import ArchiveCore
import Foundation
import SQLite

/// Writes one run's row in `archive_runs`: created when the run starts,
/// updated with its counts at every commit, closed with its exit code.
/// A killed run keeps its last committed counts and no `ended_at`.
package struct RunLog {
    package let db: Connection
    package let runID: Int64

    package init(db: Connection, kind: String, at now: Int64) throws {
        self.db = db
        try db.cached("INSERT INTO archive_runs (kind, started_at, version, host) VALUES (?, ?, ?, ?)").run([kind, now, CallhistVersion.string, RunHost.name])
        runID = db.lastInsertRowID
    }

    /// The row of a run that has one.
    package init(db: Connection, runID: Int64) {
        self.db = db
        self.runID = runID
    }

    package func update(_ c: RunCounts) throws {
        try db.cached("""
            UPDATE archive_runs SET requested = ?2, fetched = ?3, changed = ?4, unchanged = ?5, not_found = ?6,
                forbidden = ?7, failed = ?8, left_over = ?9, http_requests = ?10
            WHERE run_id = ?1
            """).run([runID, c.requested, c.fetched, c.changed, c.unchanged, c.notFound, c.forbidden, c.failed, c.leftOver, c.httpRequests])
    }

    package func finish(_ c: RunCounts, exitCode: Int32, message: String?, at now: Int64) throws {
        try update(c)
        try db.cached("UPDATE archive_runs SET ended_at = ?, exit_code = ?, message = ? WHERE run_id = ?").run([now, Int(exitCode), message, runID])
    }
}
