import FuseAPI
import SQLite

/// SQL shared by the reports, so each definition of docs/reports.md is
/// written once.
enum ReportSQL {
    static let finalStatuses = "('completed', 'canceled', 'failed', 'rejected')"

    static func isFinal(_ status: String) -> Bool { CallStatus.finalStatuses.contains(status) }

    /// The duration of completed call `c`: the API's `duration`, else the
    /// time from its first `connected` event to the first `disconnected` at
    /// or after it (by timestamp, whatever the list order).
    static let effectiveDuration = """
        coalesce(c.duration, (SELECT min(d.timestamp) - cn.ts
            FROM call_events d, (SELECT min(timestamp) AS ts FROM call_events WHERE call_id = c.call_id AND event = 'connected') cn
            WHERE d.call_id = c.call_id AND d.event = 'disconnected' AND d.timestamp >= cn.ts))
        """

    /// The calls a report counts: those with a status, filtered.
    static func base(_ filter: CallFilter, columns: String = "c.*") -> (sql: String, values: [any SQLiteBindable]) {
        let (whereSQL, values) = filter.clause()
        return ("SELECT \(columns) FROM calls c WHERE c.status IS NOT NULL AND \(whereSQL)", values)
    }

    /// The nearest-rank percentile p (integer percent) over rows numbered
    /// `rn` of `n`: the value at rank ceil(p × n / 100), in integer arithmetic.
    static func percentile(_ p: Int, value: String = "v") -> String {
        "max(CASE WHEN rn = (\(p) * n + 99) / 100 THEN \(value) END)"
    }
}
