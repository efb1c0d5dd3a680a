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

        package init(
            runID: Int64, kind: String, startedAt: Int64, endedAt: Int64? = nil, counts: RunCounts, exitCode: Int? = nil, message: String? = nil,
            version: String? = nil
        ) {
            self.runID = runID
            self.kind = kind
            self.startedAt = startedAt
            self.endedAt = endedAt
            self.counts = counts
            self.exitCode = exitCode
            self.message = message
            self.version = version
        }
    }

    /// Runs started in `[since, until)`, at most `limit` (0 for all).
    package static func read(_ db: any SQLDatabase, since: Int64?, until: Int64?, limit: Int) throws -> [Row] {
        var terms = ["true"]
        var values: [SQLValue] = []
        if let since {
            terms.append("started_at >= ?")
            values.append(.integer(since))
        }
        if let until {
            terms.append("started_at < ?")
            values.append(.integer(until))
        }
        return try db.rows(
            """
            SELECT run_id, kind, started_at, ended_at, requested, fetched, changed, unchanged, not_found, forbidden, failed,
                   left_over, http_requests, exit_code, message, version
            FROM archive_runs WHERE \(terms.joined(separator: " AND "))
            ORDER BY run_id DESC \(limit > 0 ? "LIMIT \(limit)" : "")
            """, values
        ) { r in
            var c = RunCounts()
            c.requested = r.int(4)
            c.fetched = r.int(5)
            c.changed = r.int(6)
            c.unchanged = r.int(7)
            c.notFound = r.int(8)
            c.forbidden = r.int(9)
            c.failed = r.int(10)
            c.leftOver = r.int(11)
            c.httpRequests = r.int(12)
            return Row(
                runID: r.int64(0), kind: r.string(1), startedAt: r.int64(2), endedAt: r.optionalInt64(3), counts: c,
                exitCode: r.optionalInt(13), message: r.optionalString(14), version: r.optionalString(15))
        }
    }
}
