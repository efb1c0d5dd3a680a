import ArchiveCore
import FuseAPI
import SQLite

extension RunsReport {
    /// Runs started in `[since, until)`, at most `limit` (0 for all).
    package static func run(_ db: Connection, since: Int64?, until: Int64?, limit: Int) throws -> [Row] {
        try db.prepare("""
            SELECT run_id, kind, started_at, ended_at, requested, fetched, changed, unchanged, not_found, forbidden, failed,
                   left_over, http_requests, exit_code, message, version
            FROM archive_runs WHERE (?1 IS NULL OR started_at >= ?1) AND (?2 IS NULL OR started_at < ?2)
            ORDER BY run_id DESC \(limit > 0 ? "LIMIT \(limit)" : "")
            """).map([since, until]) { r in
            var c = RunCounts()
            c.requested = r.int(4); c.fetched = r.int(5); c.changed = r.int(6); c.unchanged = r.int(7); c.notFound = r.int(8)
            c.forbidden = r.int(9); c.failed = r.int(10); c.leftOver = r.int(11); c.httpRequests = r.int(12)
            return Row(runID: r.int64(0), kind: r.string(1), startedAt: r.int64(2), endedAt: r.optionalInt64(3), counts: c,
                       exitCode: r.optionalInt(13), message: r.optionalString(14), version: r.optionalString(15))
        }
    }
}
