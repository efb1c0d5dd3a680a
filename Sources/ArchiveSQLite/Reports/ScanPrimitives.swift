import ArchiveCore
import FuseAPI
import SQLite

/// The report primitives as plain scans of `calls`: the definition the
/// aggregates must agree with (the property test compares them), and the
/// path for filters the aggregates do not cover (a phone number).
package struct ScanPrimitives {
    package let db: Connection

    package func statusCounts(_ filter: CallFilter) throws -> [String: Int] {
        let base = ReportSQL.base(filter)
        var counts: [String: Int] = [:]
        try db.prepare("SELECT c.status, count(*) FROM (\(base.sql)) c GROUP BY c.status").forEachRow(base.values) {
            counts[$0.string(0)] = $0.int(1)
        }
        return counts
    }

    package func finalAttemptGroups(_ filter: CallFilter) throws -> [AttemptGroup] {
        let base = ReportSQL.base(filter)
        return try db.prepare(
            """
            SELECT c.attempts, c.max_attempts, count(*), sum(c.status = 'completed'), sum(c.status <> 'completed' AND c.attempts >= c.max_attempts)
            FROM (\(base.sql)) c WHERE +c.status IN \(ReportSQL.finalStatuses)
            GROUP BY c.attempts, c.max_attempts
            """
        ).map(base.values) { r in
            AttemptGroup(attempts: r.optionalInt64(0), maxAttempts: r.optionalInt64(1), final: r.int(2), completed: r.int(3), exhausted: r.int(4))
        }
    }

    /// SQL groups the values (an index walk, no sort of every call); only
    /// distinct durations reach Swift.
    package func durationHistogram(_ filter: CallFilter) throws -> [(value: Int64, count: Int)] {
        let (whereSQL, values) = filter.clause()
        return try db.prepare(
            """
            SELECT \(ReportSQL.effectiveDuration) AS v, count(*) FROM calls c
            WHERE c.status = 'completed' AND \(ReportSQL.effectiveDuration) IS NOT NULL AND \(whereSQL)
            GROUP BY \(ReportSQL.effectiveDuration) ORDER BY v
            """
        ).map(values) { (value: $0.int64(0), count: $0.int(1)) }
    }

    package func unknownDurations(_ filter: CallFilter) throws -> Int {
        let (whereSQL, values) = filter.clause()
        return Int(
            try db.scalarInt(
                """
                SELECT count(*) FROM calls c WHERE c.status = 'completed' AND \(ReportSQL.effectiveDuration) IS NULL AND \(whereSQL)
                """, values) ?? 0)
    }

    /// `total()` for the duration sums: it cannot overflow.
    package func quarterHours(_ filter: CallFilter) throws -> [QuarterHour] {
        let base = ReportSQL.base(filter)
        return try db.prepare(
            """
            SELECT c.queued_timestamp / 900 AS q, count(*), sum(c.status IN \(ReportSQL.finalStatuses)), sum(c.status = 'completed'),
                   total(CASE WHEN c.status = 'completed' THEN \(ReportSQL.effectiveDuration) END),
                   count(CASE WHEN c.status = 'completed' THEN \(ReportSQL.effectiveDuration) END),
                   sum(c.status = 'failed'), sum(c.status = 'canceled'), sum(c.status = 'rejected')
            FROM (\(base.sql)) c WHERE c.queued_timestamp >= \(FieldBounds.timestamp.lowerBound) AND c.queued_timestamp < \(FieldBounds.timestamp.upperBound + 1)
            GROUP BY q
            """
        ).map(base.values) { r in
            QuarterHour(
                quarter: r.int64(0), calls: r.int(1), final: r.int(2), completed: r.int(3), failed: r.int(6), canceled: r.int(7),
                rejected: r.int(8), durationSum: r.double(4), durationCount: r.int(5))
        }
    }

    /// Read by range from the partial index `calls_answered` whatever the
    /// filter: the rows are few, the aggregates need not know them. Named:
    /// the planner would rather walk `calls_status` and look every failed
    /// call up.
    package func answeredQuarters(_ filter: CallFilter) throws -> [Int64: Int] {
        let (whereSQL, values) = filter.clause()
        var out: [Int64: Int] = [:]
        try db.prepare(
            """
            SELECT CASE WHEN c.queued_timestamp >= \(FieldBounds.timestamp.lowerBound) AND c.queued_timestamp < \(FieldBounds.timestamp.upperBound + 1)
                        THEN CAST(c.queued_timestamp AS INTEGER) / 900 ELSE -1 END, count(*)
            FROM calls c INDEXED BY calls_answered
            WHERE \(ReportSQL.answeredUncompleted) AND \(whereSQL)
            GROUP BY 1
            """
        ).forEachRow(values) { out[$0.int64(0)] = $0.int(1) }
        return out
    }

    package func quarterDurations(_ filter: CallFilter, _ visit: (DurationSlot) -> Void) throws {
        if let status = filter.status, status != "completed" { return }
        let (whereSQL, values) = filter.clause()
        // A row per call, in queued order (an index range, no sort): grouping
        // in SQL would sort every completed call.
        try db.prepare(
            """
            SELECT CAST(c.queued_timestamp AS INTEGER) / 900, \(ReportSQL.effectiveDuration) FROM calls c
            WHERE c.queued_timestamp >= \(FieldBounds.timestamp.lowerBound) AND c.queued_timestamp < \(FieldBounds.timestamp.upperBound + 1)
              AND +c.status = 'completed' AND \(ReportSQL.effectiveDuration) IS NOT NULL AND \(whereSQL)
            """
        ).forEachRow(values) { visit(DurationSlot(quarter: $0.int64(0), duration: $0.int64(1), calls: 1)) }
    }
}
