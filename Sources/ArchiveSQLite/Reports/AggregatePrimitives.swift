import ArchiveCore
import FuseAPI
import SQLite

/// The report primitives read from the aggregates of migration 0003
/// (`call_quarters` per quarter hour and status, `call_attempts` and
/// `call_durations` per UTC day), which triggers keep true (docs/reports.md, "Speed"). A filter's period
/// `[since, until)` is split into the whole buckets inside it, read from
/// the aggregates, and the ragged edges, read from `calls` by range scans of
/// `calls_report` (at most a bucket at each end, plus calls whose queued
/// value is in no bucket). The answer is exactly the plain scan's
/// (`ScanPrimitives`); a filter on a phone number uses the plain scan.
package struct AggregatePrimitives {
    package let db: Connection

    /// The split of a period at one bucket size.
    package struct Split {
        /// Whole buckets inside the period: [from, to).
        package var from: Int64
        package var to: Int64
        /// The bucket of calls without a queued time (-1), read only when the
        /// period is unbounded both ways.
        package var unqueued: Bool
        /// The parts of the period outside those buckets, as
        /// `queued_timestamp >= lower AND < upper` (nil: unbounded).
        package var edges: [(lower: Int64?, upper: Int64?)]

        package init(_ filter: CallFilter, bucket: Int64) {
            let lo = FieldBounds.timestamp.lowerBound
            let end = FieldBounds.timestamp.upperBound + 1
            let start = min(max(filter.since ?? lo, lo), end)
            let stop = max(min(filter.until ?? end, end), lo)
            // Whole buckets: the first that starts at or after `start`, up to
            // the last that ends at or before `stop`.
            from = start <= 0 ? 0 : (start + bucket - 1) / bucket
            to = max(from, stop / bucket)
            unqueued = filter.since == nil && filter.until == nil
            if from == to {
                edges = [(filter.since, filter.until)]
            } else {
                edges = [(filter.since, from * bucket), (to * bucket, filter.until)]
            }
        }

        /// Only times within 1970–9999 (the daily report): each edge is cut
        /// to that range here, so its scan stays one tight index range.
        package var placeableOnly = false

        /// The edge scans' WHERE terms over `calls c` (OR-free, so each is an
        /// index range), with their values.
        package var edgeTerms: [(sql: String, values: [any SQLiteBindable])] {
            let lo = FieldBounds.timestamp.lowerBound
            let end = FieldBounds.timestamp.upperBound + 1
            return edges.compactMap { edge -> (lower: Int64?, upper: Int64?)? in
                guard placeableOnly else { return edge }
                let lower = max(edge.lower ?? lo, lo)
                let upper = min(edge.upper ?? end, end)
                return lower < upper ? (lower, upper) : nil
            }.compactMap { lower, upper in
                switch (lower, upper) {
                case (let l?, let u?): l < u ? ("c.queued_timestamp >= ? AND c.queued_timestamp < ?", [l, u]) : nil
                case (let l?, nil): ("c.queued_timestamp >= ?", [l])
                case (nil, let u?): ("c.queued_timestamp < ?", [u])
                case (nil, nil): ("c.queued_timestamp IS NOT NULL", [])
                }
            }
        }
    }

    /// `AND status = ?` for aggregate rows (`column`) when the filter names one.
    private func statusTerm(_ filter: CallFilter, _ column: String) -> (String, [any SQLiteBindable]) {
        filter.status.map { (" AND \(column) = ?", [$0]) } ?? ("", [])
    }

    /// UNION ALL of the aggregate rows of `split`, the deltas not yet folded
    /// into them (normally none: callhist folds before every commit), and the
    /// edge rows of `calls`. `aggregate` selects from `table` (bucket column
    /// `bucket`), `deltas` from `call_deltas` (weighted by `sign`), `edge`
    /// from `calls c` (a WHERE term may follow); all name their columns
    /// alike (a UNION takes its names from whichever part comes first).
    private func sources(
        _ split: Split, _ filter: CallFilter, table: String, bucket: String, deltaBucket: String? = nil, aggregate: String, deltas: String,
        edge: String, edgeWhere: String
    ) -> (sql: String, values: [any SQLiteBindable]) {
        let parts = sourceParts(
            split, filter, table: table, bucket: bucket, deltaBucket: deltaBucket, aggregate: aggregate, deltas: deltas, edge: edge,
            edgeWhere: edgeWhere)
        return (parts.map(\.sql).joined(separator: "\nUNION ALL\n"), parts.flatMap(\.values))
    }

    /// The parts `sources` unites, each a statement of its own: a caller
    /// that adds rows up itself runs them one by one (a UNION ALL passes
    /// every row through a co-routine, half again the cost of the read).
    private func sourceParts(
        _ split: Split, _ filter: CallFilter, table: String, bucket: String, deltaBucket: String? = nil, aggregate: String, deltas: String,
        edge: String, edgeWhere: String
    ) -> [(sql: String, values: [any SQLiteBindable])] {
        let deltaBucket = deltaBucket ?? bucket
        var parts: [(sql: String, values: [any SQLiteBindable])] = []
        let (status, statusValues) = statusTerm(filter, "status")
        // The duration tables hold completed calls only, and no status column.
        let byStatus = !table.hasSuffix("durations")
        let tableStatus = byStatus ? status : ""
        let tableStatusValues = byStatus ? statusValues : []
        if split.from < split.to {
            parts.append(
                (
                    "SELECT \(aggregate) FROM \(table) WHERE \(bucket) >= ? AND \(bucket) < ?\(tableStatus)",
                    [split.from, split.to] + tableStatusValues
                ))
            parts.append(
                (
                    "SELECT \(deltas) FROM call_deltas WHERE \(deltaBucket) >= ? AND \(deltaBucket) < ?\(status)",
                    [split.from, split.to] + statusValues
                ))
        }
        if split.unqueued {
            parts.append(("SELECT \(aggregate) FROM \(table) WHERE \(bucket) = -1\(tableStatus)", tableStatusValues))
            parts.append(("SELECT \(deltas) FROM call_deltas WHERE \(bucket) = -1\(status)", statusValues))
        }
        let (edgeStatus, edgeStatusValues) = statusTerm(filter, "c.status")
        for term in split.edgeTerms {
            parts.append(("SELECT \(edge) FROM calls c WHERE \(term.sql) AND \(edgeWhere)\(edgeStatus)", term.values + edgeStatusValues))
        }
        if parts.isEmpty { parts.append(("SELECT \(aggregate) FROM \(table) WHERE 0", [])) }
        return parts
    }

    private static let effective = ReportSQL.effectiveDuration
    private static let final = ReportSQL.finalStatuses

    package func statusCounts(_ filter: CallFilter) throws -> [String: Int] {
        let s = sources(
            Split(filter, bucket: 900), filter, table: "call_quarters", bucket: "quarter", aggregate: "status, calls AS n",
            deltas: "status, sign AS n",
            edge: "c.status AS status, 1 AS n", edgeWhere: "c.status IS NOT NULL")
        var counts: [String: Int] = [:]
        try db.prepare("SELECT status, sum(n) FROM (\(s.sql)) GROUP BY status HAVING sum(n) > 0").forEachRow(s.values) {
            counts[$0.string(0)] = $0.int(1)
        }
        return counts
    }

    package func finalAttemptGroups(_ filter: CallFilter) throws -> [AttemptGroup] {
        let s = sources(
            Split(filter, bucket: 86_400), filter, table: "call_attempts", bucket: "day",
            aggregate: "status, nullif(attempts, x'') AS attempts, nullif(max_attempts, x'') AS max_attempts, calls AS n",
            deltas: "status, attempts, max_attempts, sign AS n",
            edge: "c.status AS status, c.attempts AS attempts, c.max_attempts AS max_attempts, 1 AS n", edgeWhere: "c.status IN \(Self.final)")
        return try db.prepare(
            """
            SELECT attempts, max_attempts, sum(n), sum(CASE WHEN status = 'completed' THEN n ELSE 0 END),
                   sum(CASE WHEN status <> 'completed' AND attempts >= max_attempts THEN n ELSE 0 END)
            FROM (\(s.sql)) WHERE status IN \(Self.final)
            GROUP BY attempts, max_attempts HAVING sum(n) > 0
            """
        ).map(s.values) { r in
            AttemptGroup(attempts: r.optionalInt64(0), maxAttempts: r.optionalInt64(1), final: r.int(2), completed: r.int(3), exhausted: r.int(4))
        }
    }

    package func durationHistogram(_ filter: CallFilter) throws -> [(value: Int64, count: Int)] {
        if let status = filter.status, status != "completed" { return [] }
        let s = sources(
            Split(filter, bucket: 86_400), filter, table: "call_durations", bucket: "day", aggregate: "duration AS v, calls AS n",
            deltas: "effective AS v, sign AS n",
            edge: "\(Self.effective) AS v, 1 AS n", edgeWhere: "c.status = 'completed' AND \(Self.effective) IS NOT NULL")
        return try db.prepare("SELECT v, sum(n) FROM (\(s.sql)) WHERE v IS NOT NULL GROUP BY v HAVING sum(n) > 0 ORDER BY v").map(s.values) {
            (value: $0.int64(0), count: $0.int(1))
        }
    }

    package func unknownDurations(_ filter: CallFilter) throws -> Int {
        if let status = filter.status, status != "completed" { return 0 }
        let s = sources(
            Split(filter, bucket: 900), filter, table: "call_quarters", bucket: "quarter",
            aggregate: "status, calls - duration_count AS n", deltas: "status, sign * (effective IS NULL) AS n",
            edge: "c.status AS status, 1 AS n", edgeWhere: "c.status = 'completed' AND \(Self.effective) IS NULL")
        return Int(try db.scalarInt("SELECT total(n) FROM (\(s.sql)) WHERE status = 'completed'", s.values) ?? 0)
    }

    /// Each part read on its own and added up here by quarter: grouping a
    /// UNION ALL in SQL sorts every row through a temporary b-tree, which
    /// cost more than the read on a year of quarters.
    package func quarterHours(_ filter: CallFilter) throws -> [QuarterHour] {
        var split = Split(filter, bucket: 900)
        split.unqueued = false  // no queued time, no quarter
        split.placeableOnly = true
        let parts = sourceParts(
            split, filter, table: "call_quarters", bucket: "quarter",
            aggregate: "quarter AS q, status, calls AS n, duration_sum AS dsum, duration_count AS dcount",
            deltas: "quarter AS q, status, sign AS n, sign * CAST(effective AS REAL) AS dsum, sign * (effective IS NOT NULL) AS dcount",
            edge: """
                CAST(c.queued_timestamp AS INTEGER) / 900 AS q, c.status AS status, 1 AS n,
                CASE WHEN c.status = 'completed' THEN \(Self.effective) END AS dsum,
                (CASE WHEN c.status = 'completed' THEN \(Self.effective) END) IS NOT NULL AS dcount
                """,
            edgeWhere: "c.status IS NOT NULL")
        var quarters: [Int64: QuarterHour] = [:]
        for part in parts {
            try db.prepare("SELECT q, status, n, dsum, dcount FROM (\(part.sql))").forEachRow(part.values) { r in
                let q = r.int64(0)
                let status = r.string(1)
                let n = r.int(2)
                var h =
                    quarters[q]
                    ?? QuarterHour(
                        quarter: q, calls: 0, final: 0, completed: 0, failed: 0, canceled: 0, rejected: 0, durationSum: 0, durationCount: 0)
                h.calls += n
                if ReportSQL.isFinal(status) { h.final += n }
                switch status {
                case "completed": h.completed += n
                case "failed": h.failed += n
                case "canceled": h.canceled += n
                case "rejected": h.rejected += n
                default: break
                }
                // A NULL sum (no completed call) reads as 0, as total() has it.
                h.durationSum += r.double(3)
                h.durationCount += r.int(4)
                quarters[q] = h
            }
        }
        return quarters.values.filter { $0.calls > 0 }.sorted { $0.quarter < $1.quarter }
    }

    /// `quarterDurations` from `call_quarter_durations` (migration 0008):
    /// each part read on its own, in the table's key order, not grouped
    /// again (a regrouping would sort them all); the few deltas and edges after.
    package func quarterDurations(_ filter: CallFilter, _ visit: (DurationSlot) -> Void) throws {
        if let status = filter.status, status != "completed" { return }
        var split = Split(filter, bucket: 900)
        split.unqueued = false
        split.placeableOnly = true
        let parts = sourceParts(
            split, filter, table: "call_quarter_durations", bucket: "quarter", aggregate: "quarter AS q, duration AS v, calls AS n",
            deltas: "quarter AS q, effective AS v, sign AS n",
            edge: "CAST(c.queued_timestamp AS INTEGER) / 900 AS q, \(Self.effective) AS v, 1 AS n",
            edgeWhere: "c.status = 'completed' AND \(Self.effective) IS NOT NULL")
        for part in parts {
            try db.prepare("SELECT q, v, n FROM (\(part.sql)) WHERE v IS NOT NULL AND n <> 0").forEachRow(part.values) {
                visit(DurationSlot(quarter: $0.int64(0), duration: $0.int64(1), calls: $0.int(2)))
            }
        }
    }
}
