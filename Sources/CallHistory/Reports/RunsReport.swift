import SQLite

/// `report runs`: the archive and import runs, newest first.
public struct RunsReport: Sendable {
    public struct Row: Equatable, Sendable {
        public var runID: Int64
        public var kind: String
        public var startedAt: Int64
        public var endedAt: Int64?
        public var counts: RunCounts
        public var exitCode: Int?
        public var message: String?
        /// The callhist that ran it (`--version`).
        public var version: String?
        public var seconds: Int64? { endedAt.flatMap { SafeMath.minus($0, startedAt) } }
    }

    /// Runs started in `[since, until)`, at most `limit` (0 for all).
    public static func run(_ db: Connection, since: Int64?, until: Int64?, limit: Int) throws -> [Row] {
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
