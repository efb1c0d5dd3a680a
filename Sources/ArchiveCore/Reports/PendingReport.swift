/// `report pending`: calls not final yet, and ids never fetched successfully,
/// oldest first, with how long they have been open and which are stale.
public struct PendingReport: Sendable {
    public struct Row: Equatable, Sendable {
        public var callID: String
        /// nil for an id that never got a successful answer.
        public var status: String?
        public var queuedAt: Int64?
        public var firstSeenAt: Int64
        public var attempts: Int64?
        public var maxAttempts: Int64?
        public var lastFetchedAt: Int64?
        public var nextCheckAt: Int64
        public var stale: Bool
        public var lastOutcome: String?
        public var lastError: String?

        /// Seconds the call has been open at `now` (since queued, else since
        /// first seen); nil when the stored time is too far off to subtract.
        public func openFor(now: Int64) -> Int64? { SafeMath.minus(now, queuedAt ?? firstSeenAt) }

        package init(
            callID: String, status: String? = nil, queuedAt: Int64? = nil, firstSeenAt: Int64, attempts: Int64? = nil, maxAttempts: Int64? = nil,
            lastFetchedAt: Int64? = nil, nextCheckAt: Int64, stale: Bool, lastOutcome: String? = nil, lastError: String? = nil
        ) {
            self.callID = callID
            self.status = status
            self.queuedAt = queuedAt
            self.firstSeenAt = firstSeenAt
            self.attempts = attempts
            self.maxAttempts = maxAttempts
            self.lastFetchedAt = lastFetchedAt
            self.nextCheckAt = nextCheckAt
            self.stale = stale
            self.lastOutcome = lastOutcome
            self.lastError = lastError
        }
    }

    /// Calls with a status that are not final, and ids without a status (also counted).
    public var pending = 0
    public var unfetched = 0
    /// Of `unfetched`, the ids the API answered 404 at their last check.
    public var unknown = 0
    public var stale = 0
    public var rows: [Row] = []

    package init(rows: [Row] = []) {
        self.rows = rows
    }

    /// At most `limit` rows (0 for all), oldest first. `statusCounts` gives
    /// the calls with a status by status (the backend's fast primitive): the
    /// pending ones are those whose status is not final.
    package static func read(
        _ db: any SQLDatabase, filter: CallFilter, limit: Int,
        statusCounts: (CallFilter) throws -> [String: Int]
    ) throws -> PendingReport {
        var report = PendingReport()
        var (whereSQL, values) = filter.terms(always: "true")
        report.pending = try statusCounts(filter).filter { !ReportSQL.isFinal($0.key) }.values.reduce(0, +)
        // Ids that never got a status are few: a range of calls_status.
        report.unfetched = Int(
            try db.integer(
                """
                SELECT count(*) FROM calls c\(db.dialect.indexedBy("calls_status")) WHERE c.status IS NULL AND c.is_final = 0 AND \(whereSQL)
                """, values) ?? 0)
        report.unknown = Int(
            try db.integer(
                """
                SELECT count(*) FROM calls c\(db.dialect.indexedBy("calls_status"))
                WHERE c.status IS NULL AND c.is_final = 0 AND c.last_outcome = 'not_found' AND \(whereSQL)
                """, values) ?? 0)
        // A queued time in the period is also the order key's value there:
        // the same terms on the order key make the period a range of the
        // `calls_open` index (they exclude nothing the filter keeps), which
        // holds what the stale count and the rows' order need.
        let order = ReportSQL.openedAt()
        if let since = filter.since {
            whereSQL += " AND \(order) >= ?"
            values.append(.integer(since))
        }
        if let until = filter.until {
            whereSQL += " AND \(order) < ?"
            values.append(.integer(until))
        }
        report.stale = Int(
            try db.integer(
                """
                SELECT count(*) FROM calls c\(db.dialect.indexedBy("calls_open")) WHERE c.is_final = 0 AND c.is_stale <> 0 AND \(whereSQL)
                """, values) ?? 0)
        report.rows = try db.rows(
            """
            SELECT c.call_id, c.status, c.queued_timestamp, c.first_seen_at, c.attempts, c.max_attempts, c.last_fetched_at,
                   c.next_check_at, c.is_stale, c.last_outcome, c.last_error
            FROM calls c WHERE c.is_final = 0 AND \(whereSQL)
            ORDER BY \(order), c.call_id
            \(limit > 0 ? "LIMIT \(limit)" : "")
            """, values
        ) { r in
            Row(
                callID: r.string(0), status: r.optionalString(1), queuedAt: r.optionalInt64(2), firstSeenAt: r.int64(3), attempts: r.optionalInt64(4),
                maxAttempts: r.optionalInt64(5), lastFetchedAt: r.optionalInt64(6), nextCheckAt: r.int64(7), stale: r.int(8) != 0,
                lastOutcome: r.optionalString(9), lastError: r.optionalString(10))
        }
        return report
    }
}
