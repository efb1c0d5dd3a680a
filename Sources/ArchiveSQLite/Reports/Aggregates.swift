import ArchiveCore
import SQLite

/// The report aggregates of migrations 0003 and 0008 as a whole (docs/reports.md,
/// "Speed"): the deltas the triggers append are folded into them before
/// each commit, `rebuild` recomputes them from `calls`, and `doctor`
/// compares them with a recount. What they mean is written once, in
/// `recounts` (the migrations' `*_recount` views until version 9 took them
/// out of the file).
package enum Aggregates {
    /// The aggregate tables.
    package static let tables = ["call_quarters", "call_attempts", "call_durations", "call_quarter_durations"]

    /// A calendar can place the queued time (1970–9999): the bucket expressions' guard.
    private static let placeable =
        "typeof(c.queued_timestamp) IN ('integer', 'real') AND c.queued_timestamp >= 0 AND c.queued_timestamp < 253402300800"

    /// What each table must hold, recounted from `calls`: rows shaped like the table.
    package static let recounts: [String: String] = [
        "call_quarters": """
        SELECT q.quarter, q.status, count(*) AS calls, total(q.effective) AS duration_sum, count(q.effective) AS duration_count
        FROM (SELECT CASE WHEN c.queued_timestamp IS NULL THEN -1 WHEN \(placeable) THEN CAST(c.queued_timestamp AS INTEGER) / 900 END AS quarter,
                     c.status, CASE WHEN c.status = 'completed' THEN coalesce(c.duration, c.event_duration) END AS effective
              FROM calls c WHERE c.status IS NOT NULL) q
        WHERE q.quarter IS NOT NULL
        GROUP BY q.quarter, q.status
        """,
        "call_attempts": """
        SELECT a.day, a.status, ifnull(a.attempts, x'') AS attempts, ifnull(a.max_attempts, x'') AS max_attempts, count(*) AS calls
        FROM (SELECT CASE WHEN c.queued_timestamp IS NULL THEN -1 WHEN \(placeable) THEN CAST(c.queued_timestamp AS INTEGER) / 86400 END AS day,
                     c.status, c.attempts, c.max_attempts
              FROM calls c WHERE c.status IN \(ReportSQL.finalStatuses)) a
        WHERE a.day IS NOT NULL
        GROUP BY a.day, a.status, a.attempts, a.max_attempts
        """,
        "call_durations": """
        SELECT d.day, d.duration, count(*) AS calls
        FROM (SELECT CASE WHEN c.queued_timestamp IS NULL THEN -1 WHEN \(placeable) THEN CAST(c.queued_timestamp AS INTEGER) / 86400 END AS day,
                     coalesce(c.duration, c.event_duration) AS duration
              FROM calls c WHERE c.status = 'completed') d
        WHERE d.day IS NOT NULL AND d.duration IS NOT NULL
        GROUP BY d.day, d.duration
        """,
        "call_quarter_durations": """
        SELECT CAST(c.queued_timestamp AS INTEGER) / 900 AS quarter, coalesce(c.duration, c.event_duration) AS duration, count(*) AS calls
        FROM calls c
        WHERE c.status = 'completed' AND coalesce(c.duration, c.event_duration) IS NOT NULL AND \(placeable)
        GROUP BY 1, 2
        """,
    ]

    /// The three tables' contributions of `call_deltas`, grouped: (table,
    /// SELECT of rows shaped like the table). Shared by `fold` and `mismatches`.
    package static let deltaRows: [(table: String, select: String)] = [
        (
            "call_quarters",
            """
            SELECT quarter, status, sum(sign) AS calls, total(sign * CAST(effective AS REAL)) AS duration_sum,
                   sum(sign * (effective IS NOT NULL)) AS duration_count
            FROM call_deltas WHERE true GROUP BY quarter, status
            """
        ),
        (
            "call_attempts",
            """
            SELECT day, status, ifnull(attempts, x'') AS attempts, ifnull(max_attempts, x'') AS max_attempts, sum(sign) AS calls
            FROM call_deltas WHERE status IN \(ReportSQL.finalStatuses) GROUP BY 1, 2, 3, 4
            """
        ),
        (
            "call_durations",
            """
            SELECT day, effective AS duration, sum(sign) AS calls
            FROM call_deltas WHERE status = 'completed' AND effective IS NOT NULL GROUP BY 1, 2
            """
        ),
        (
            "call_quarter_durations",
            """
            SELECT quarter, effective AS duration, sum(sign) AS calls
            FROM call_deltas WHERE status = 'completed' AND effective IS NOT NULL AND quarter >= 0 GROUP BY 1, 2
            """
        ),
    ]

    /// Adds the pending deltas into the tables and empties `call_deltas`:
    /// inside the caller's transaction, just before it commits.
    package static func fold(_ db: Connection) throws {
        guard try db.cached("SELECT EXISTS (SELECT 1 FROM call_deltas)").first([]) { $0.int(0) } == 1 else { return }
        try db.cached(
            """
            INSERT INTO call_quarters (quarter, status, calls, duration_sum, duration_count) \(deltaRows[0].select)
            ON CONFLICT (quarter, status) DO UPDATE SET calls = calls + excluded.calls,
                duration_sum = duration_sum + excluded.duration_sum, duration_count = duration_count + excluded.duration_count
            """
        ).run()
        try db.cached(
            """
            INSERT INTO call_attempts (day, status, attempts, max_attempts, calls) \(deltaRows[1].select)
            ON CONFLICT (day, status, attempts, max_attempts) DO UPDATE SET calls = calls + excluded.calls
            """
        ).run()
        try db.cached(
            """
            INSERT INTO call_durations (day, duration, calls) \(deltaRows[2].select)
            ON CONFLICT (day, duration) DO UPDATE SET calls = calls + excluded.calls
            """
        ).run()
        try db.cached(
            """
            INSERT INTO call_quarter_durations (quarter, duration, calls) \(deltaRows[3].select)
            ON CONFLICT (quarter, duration) DO UPDATE SET calls = calls + excluded.calls
            """
        ).run()
        try db.cached("DELETE FROM call_deltas").run()
    }

    /// Empties the aggregates and the deltas and fills them again from `calls`.
    package static func recompute(_ db: Connection) throws {
        try db.transaction {
            for table in tables {
                try db.execute("DELETE FROM \(table); INSERT INTO \(table) SELECT * FROM (\(recounts[table]!))")
            }
            try db.execute("DELETE FROM call_deltas")
        }
    }

    /// Buckets whose figures (stored, plus deltas not yet folded) differ from
    /// a recount; empty buckets left by deletions do not count. Read-only.
    package static func mismatches(_ db: Connection) throws -> Int {
        var total: Int64 = 0
        for (table, deltas) in deltaRows {
            let recount = recounts[table]!
            let view = try db.prepare("SELECT * FROM (\(recount)) WHERE 0")
            let columns = (0..<view.columnCount).map { view.columnName($0) }
            let keys = columns.dropLast(table == "call_quarters" ? 3 : 1).joined(separator: ", ")
            let sums = columns.suffix(table == "call_quarters" ? 3 : 1).map { $0 == "duration_sum" ? "total(\($0))" : "sum(\($0))" }
            let current = """
                SELECT \(keys), \(sums.joined(separator: ", ")) FROM (SELECT * FROM \(table) UNION ALL \(deltas))
                GROUP BY \(keys) HAVING sum(calls) <> 0
                """
            total += try db.scalarInt("SELECT count(*) FROM (\(current) EXCEPT SELECT * FROM (\(recount)))") ?? 0
            total += try db.scalarInt("SELECT count(*) FROM (SELECT * FROM (\(recount)) EXCEPT \(current))") ?? 0
        }
        return Int(total)
    }
}
