import ArchiveCore
import FuseAPI
import SQLite

extension PendingReport {
    /// At most `limit` rows (0 for all), oldest first. `statusCounts` gives
    /// the calls with a status by status (the backend's fast primitive): the
    /// pending ones are those whose status is not final.
    package static func run(_ db: Connection, filter: CallFilter, limit: Int,
                           statusCounts: (CallFilter) throws -> [String: Int]) throws -> PendingReport {
        var report = PendingReport()
        var (whereSQL, values) = filter.clause()
        report.pending = try statusCounts(filter).filter { !ReportSQL.isFinal($0.key) }.values.reduce(0, +)
        // Ids that never got a status are few: a range of calls_status.
        report.unfetched = Int(try db.scalarInt("""
            SELECT count(*) FROM calls c INDEXED BY calls_status WHERE c.status IS NULL AND c.is_final = 0 AND \(whereSQL)
            """, values) ?? 0)
        // A queued time in the period is also the order key's value there:
        // the same terms on `coalesce(…)` make the period a range of the
        // `calls_open` index (they exclude nothing the filter keeps), which
        // holds what the stale count and the rows' order need.
        let order = "coalesce(c.queued_timestamp, c.first_seen_at)"
        if let since = filter.since { whereSQL += " AND \(order) >= ?"; values.append(since) }
        if let until = filter.until { whereSQL += " AND \(order) < ?"; values.append(until) }
        report.stale = Int(try db.scalarInt("""
            SELECT count(*) FROM calls c INDEXED BY calls_open WHERE c.is_final = 0 AND c.is_stale <> 0 AND \(whereSQL)
            """, values) ?? 0)
        let open = "c.is_final = 0 AND \(whereSQL)"
        report.rows = try db.prepare("""
            SELECT c.call_id, c.status, c.queued_timestamp, c.first_seen_at, c.attempts, c.max_attempts, c.last_fetched_at,
                   c.next_check_at, c.is_stale, c.last_outcome, c.last_error
            FROM calls c WHERE \(open)
            ORDER BY coalesce(c.queued_timestamp, c.first_seen_at), c.call_id
            \(limit > 0 ? "LIMIT \(limit)" : "")
            """).map(values) { r in
            Row(callID: r.string(0), status: r.optionalString(1), queuedAt: r.optionalInt64(2), firstSeenAt: r.int64(3), attempts: r.optionalInt64(4),
                maxAttempts: r.optionalInt64(5), lastFetchedAt: r.optionalInt64(6), nextCheckAt: r.int64(7), stale: r.int(8) != 0,
                lastOutcome: r.optionalString(9), lastError: r.optionalString(10))
        }
        return report
    }
}
