import ArchiveCore
import FuseAPI
import SQLite

/// The SQLite queries behind `report labels` and `report daily
/// --label-column`: the filter's calls joined to one label's values through
/// `call_labels_name_value` (one index range for the name), grouped.
package struct LabelPrimitives {
    package let db: Connection

    /// `FROM calls c JOIN call_labels l` on label `name`, with the filter's terms.
    private func source(_ name: String, _ filter: CallFilter) -> (sql: String, values: [any SQLiteBindable]) {
        let (whereSQL, values) = filter.clause()
        return ("FROM call_labels l JOIN calls c ON c.call_id = l.call_id WHERE l.name = ? AND c.status IS NOT NULL AND \(whereSQL)", [name] + values)
    }

    package func groups(_ name: String, _ filter: CallFilter) throws -> [LabelGroup] {
        let s = source(name, filter)
        return try db.prepare("SELECT l.value, c.status, c.attempts, count(*) \(s.sql) GROUP BY l.value, c.status, c.attempts").map(s.values) { r in
            LabelGroup(value: r.string(0), status: r.string(1), attempts: r.optionalInt64(2), calls: r.int(3))
        }
    }

    package func durations(_ name: String, _ filter: CallFilter) throws -> [(value: String, duration: Int64, count: Int)] {
        let s = source(name, filter)
        return try db.prepare(
            """
            SELECT l.value, \(ReportSQL.effectiveDuration) AS d, count(*) \(s.sql) AND c.status = 'completed' AND d IS NOT NULL
            GROUP BY l.value, d ORDER BY l.value, d
            """
        ).map(s.values) { r in (r.string(0), r.int64(1), r.int(2)) }
    }

    package func quarterHours(_ name: String, _ filter: CallFilter) throws -> [String: [QuarterHour]] {
        let s = source(name, filter)
        var out: [String: [QuarterHour]] = [:]
        try db.prepare(
            """
            SELECT l.value, c.queued_timestamp / 900 AS q, count(*), sum(c.status IN \(ReportSQL.finalStatuses)), sum(c.status = 'completed'),
                   total(CASE WHEN c.status = 'completed' THEN \(ReportSQL.effectiveDuration) END),
                   count(CASE WHEN c.status = 'completed' THEN \(ReportSQL.effectiveDuration) END),
                   sum(c.status = 'failed'), sum(c.status = 'canceled'), sum(c.status = 'rejected')
            \(s.sql) AND c.queued_timestamp >= \(FieldBounds.timestamp.lowerBound) AND c.queued_timestamp < \(FieldBounds.timestamp.upperBound + 1)
            GROUP BY l.value, q ORDER BY l.value, q
            """
        ).forEachRow(s.values) { r in
            out[r.string(0), default: []].append(
                QuarterHour(
                    quarter: r.int64(1), calls: r.int(2), final: r.int(3), completed: r.int(4), failed: r.int(7),
                    canceled: r.int(8), rejected: r.int(9), durationSum: r.double(5), durationCount: r.int(6)))
        }
        return out
    }
}
