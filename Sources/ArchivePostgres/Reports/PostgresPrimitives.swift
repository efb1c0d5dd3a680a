import ArchiveCore
import FuseAPI
import Postgres

/// The report, label and anomaly primitives in PostgreSQL's dialect: the
/// same rows as `ScanPrimitives`, `LabelPrimitives` and `AnomalyPrimitives`
/// give on SQLite, so the shared report logic prints the same bytes
/// (docs/postgresql.md, "Same answers"). Counts of a condition are
/// `count(*) FILTER (WHERE …)`; SQLite's `total()` is a float8 sum.
package struct PostgresPrimitives {
    package let db: PostgresConnection

    package static let effective = ReportSQL.effectiveDuration
    package static let final = ReportSQL.finalStatuses
    package static let placeable =
        "c.queued_timestamp >= \(FieldBounds.timestamp.lowerBound) AND c.queued_timestamp < \(FieldBounds.timestamp.upperBound + 1)"

    package func statusCounts(_ filter: CallFilter) throws -> [String: Int] {
        var q = PostgresQuery()
        let w = q.filter(filter)
        var counts: [String: Int] = [:]
        for r in try db.query("SELECT c.status, count(*) FROM calls c WHERE c.status IS NOT NULL AND \(w) GROUP BY c.status", q.values).rows {
            counts[r.string(0)] = r.int(1)
        }
        return counts
    }

    package func finalAttemptGroups(_ filter: CallFilter) throws -> [AttemptGroup] {
        var q = PostgresQuery()
        let w = q.filter(filter)
        return try db.query(
            """
            SELECT c.attempts, c.max_attempts, count(*), count(*) FILTER (WHERE c.status = 'completed'),
                   count(*) FILTER (WHERE c.status <> 'completed' AND c.attempts >= c.max_attempts)
            FROM calls c WHERE c.status IN \(Self.final) AND \(w)
            GROUP BY c.attempts, c.max_attempts
            """, q.values
        ).map { r in
            AttemptGroup(attempts: r.optionalInt64(0), maxAttempts: r.optionalInt64(1), final: r.int(2), completed: r.int(3), exhausted: r.int(4))
        }
    }

    package func durationHistogram(_ filter: CallFilter) throws -> [(value: Int64, count: Int)] {
        var q = PostgresQuery()
        let w = q.filter(filter)
        return try db.query(
            """
            SELECT \(Self.effective) AS v, count(*) FROM calls c
            WHERE c.status = 'completed' AND \(Self.effective) IS NOT NULL AND \(w)
            GROUP BY v ORDER BY v
            """, q.values
        ).map { (value: $0.int64(0), count: $0.int(1)) }
    }

    package func unknownDurations(_ filter: CallFilter) throws -> Int {
        var q = PostgresQuery()
        let w = q.filter(filter)
        return Int(
            try db.scalarInt("SELECT count(*) FROM calls c WHERE c.status = 'completed' AND \(Self.effective) IS NULL AND \(w)", q.values) ?? 0)
    }

    /// The columns of a `QuarterHour` after its key, in `quarter(_:)`'s order.
    package static let quarterColumns = """
        count(*), count(*) FILTER (WHERE c.status IN \(final)), count(*) FILTER (WHERE c.status = 'completed'),
        coalesce(sum(CASE WHEN c.status = 'completed' THEN \(effective) END), 0)::float8,
        count(CASE WHEN c.status = 'completed' THEN \(effective) END),
        count(*) FILTER (WHERE c.status = 'failed'), count(*) FILTER (WHERE c.status = 'canceled'), count(*) FILTER (WHERE c.status = 'rejected')
        """

    package static func quarter(_ r: PostgresRow, at k: Int) -> QuarterHour {
        QuarterHour(
            quarter: r.int64(k), calls: r.int(k + 1), final: r.int(k + 2), completed: r.int(k + 3), failed: r.int(k + 6),
            canceled: r.int(k + 7), rejected: r.int(k + 8), durationSum: r.double(k + 4), durationCount: r.int(k + 5))
    }

    package func quarterHours(_ filter: CallFilter) throws -> [QuarterHour] {
        var q = PostgresQuery()
        let w = q.filter(filter)
        return try db.query(
            """
            SELECT c.queued_timestamp / 900 AS q, \(Self.quarterColumns)
            FROM calls c WHERE c.status IS NOT NULL AND \(Self.placeable) AND \(w)
            GROUP BY q
            """, q.values
        ).map { Self.quarter($0, at: 0) }
    }

    package func answeredQuarters(_ filter: CallFilter) throws -> [Int64: Int] {
        var q = PostgresQuery()
        let w = q.filter(filter)
        var out: [Int64: Int] = [:]
        for r in try db.query(
            """
            SELECT CASE WHEN \(Self.placeable) THEN c.queued_timestamp / 900 ELSE -1 END, count(*)
            FROM calls c WHERE \(ReportSQL.answeredUncompleted) AND \(w) GROUP BY 1
            """,
            q.values
        ).rows {
            out[r.int64(0)] = r.int(1)
        }
        return out
    }

    package func quarterDurations(_ filter: CallFilter, _ visit: (DurationSlot) -> Void) throws {
        if let status = filter.status, status != "completed" { return }
        var q = PostgresQuery()
        let w = q.filter(filter)
        for r in try db.query(
            """
            SELECT c.queued_timestamp / 900 AS s, \(Self.effective) AS v, count(*) FROM calls c
            WHERE c.status = 'completed' AND \(Self.effective) IS NOT NULL AND \(Self.placeable) AND \(w)
            GROUP BY s, v ORDER BY s, v
            """, q.values
        ).rows {
            visit(DurationSlot(quarter: r.int64(0), duration: r.int64(1), calls: r.int(2)))
        }
    }

    // MARK: Labels

    private func labelSource(_ name: String, _ filter: CallFilter, _ q: inout PostgresQuery) -> String {
        let n = q.bind(name)
        return "FROM call_labels l JOIN calls c ON c.call_id = l.call_id WHERE l.name = \(n) AND c.status IS NOT NULL AND \(q.filter(filter))"
    }

    package func labelGroups(_ name: String, _ filter: CallFilter) throws -> [LabelGroup] {
        var q = PostgresQuery()
        let source = labelSource(name, filter, &q)
        return try db.query("SELECT l.value, c.status, c.attempts, count(*) \(source) GROUP BY l.value, c.status, c.attempts", q.values).map { r in
            LabelGroup(value: r.string(0), status: r.string(1), attempts: r.optionalInt64(2), calls: r.int(3))
        }
    }

    package func labelDurations(_ name: String, _ filter: CallFilter) throws -> [(value: String, duration: Int64, count: Int)] {
        var q = PostgresQuery()
        let source = labelSource(name, filter, &q)
        return try db.query(
            """
            SELECT l.value, \(Self.effective) AS d, count(*) \(source) AND c.status = 'completed' AND \(Self.effective) IS NOT NULL
            GROUP BY l.value, d ORDER BY l.value, d
            """, q.values
        ).map { r in (r.string(0), r.int64(1), r.int(2)) }
    }

    package func labelQuarterHours(_ name: String, _ filter: CallFilter) throws -> [String: [QuarterHour]] {
        var q = PostgresQuery()
        let source = labelSource(name, filter, &q)
        var out: [String: [QuarterHour]] = [:]
        for r in try db.query(
            """
            SELECT l.value, c.queued_timestamp / 900 AS q, \(Self.quarterColumns)
            \(source) AND \(Self.placeable)
            GROUP BY l.value, q ORDER BY l.value, q
            """, q.values
        ).rows {
            out[r.string(0), default: []].append(Self.quarter(r, at: 1))
        }
        return out
    }

    // MARK: Anomaly candidates (the rules: `AnomaliesReport`)

    package func suspectCalls(_ filter: CallFilter) throws -> [AnomalyFacts.SuspectCall] {
        var q = PostgresQuery()
        let w = q.filter(filter)
        let rows = try db.query(
            """
            SELECT c.call_id, c.status, c.attempts, c.max_attempts, c.start_timestamp, c.end_timestamp, c.duration, c.event_duration,
                   (c.status = 'completed' AND NOT EXISTS (SELECT 1 FROM call_events e WHERE e.call_id = c.call_id AND e.event = 'connected'))::int,
                   CASE WHEN \(ReportSQL.refused) THEN c.last_error END, c.event_disorder,
                   (SELECT count(*) FROM call_events e WHERE e.call_id = c.call_id),
                   d.event, d.timestamp, d.latest
            FROM calls c
            LEFT JOIN LATERAL (SELECT e.event, e.timestamp,
                                      (SELECT max(p.timestamp) FROM call_events p WHERE p.call_id = e.call_id AND p.seq < e.seq) AS latest
                               FROM call_events e WHERE e.call_id = c.call_id AND e.seq = c.event_disorder AND e.timestamp IS NOT NULL) d ON true
            WHERE (\(ReportSQL.suspect.replacingOccurrences(of: "\n", with: " "))) AND c.status IS NOT NULL AND \(w)
            """, q.values)
        return rows.map { r in
            let disorder = r.optionalInt64(10).flatMap { seq in
                r.optionalInt64(14).map { AnomalyFacts.Disorder(seq: seq, event: r.string(12), timestamp: r.int64(13), latestBefore: $0) }
            }
            return AnomalyFacts.SuspectCall(
                id: r.string(0), status: r.string(1), attempts: r.optionalInt64(2), maxAttempts: r.optionalInt64(3),
                start: r.optionalInt64(4), end: r.optionalInt64(5), duration: r.optionalInt64(6),
                eventDuration: r.optionalInt64(7), disorder: disorder, completedWithoutConnected: r.int(8) != 0,
                events: r.int(11), refusal: r.optionalString(9))
        }
    }

}
