import SQLite

/// `report summary` (DESIGN.md §5): calls, final, pending, by status,
/// completion rate, duration statistics and attempts, in a few aggregate queries.
public struct SummaryReport: Equatable, Sendable {
    public var calls = 0
    public var final = 0
    public var pending = 0
    public var completed = 0
    public var byStatus: [String: Int] = [:]
    /// completed ÷ final; nil when no call is final.
    public var completionRate: Double?
    public var duration = DurationStats()
    /// Mean `attempts` of final calls; nil when none has one.
    public var meanAttempts: Double?
    /// Final calls by `attempts` ("unknown" where the API gave none).
    public var attemptsDistribution: [String: Int] = [:]
    /// Completed with attempts = 1 ÷ final.
    public var firstAttemptCompletionRate: Double?
    /// Final calls not completed whose attempts reached max_attempts.
    public var exhausted = 0

    public init() {}

    public static func run(_ db: Connection, filter: CallFilter) throws -> SummaryReport {
        var r = SummaryReport()
        let base = ReportSQL.base(filter)
        try db.prepare("SELECT c.status, count(*) FROM (\(base.sql)) c GROUP BY c.status").forEachRow(base.values) { row in
            let status = row.string(0), n = row.int(1)
            r.byStatus[status] = n
            r.calls += n
            if ReportSQL.isFinal(status) { r.final += n } else { r.pending += n }
            if status == "completed" { r.completed = n }
        }
        r.completionRate = r.final > 0 ? Double(r.completed) / Double(r.final) : nil
        r.duration = try durations(db, filter: filter)
        try db.prepare("""
            SELECT avg(c.attempts), sum(c.status = 'completed' AND c.attempts = 1),
                   sum(c.status <> 'completed' AND c.attempts >= c.max_attempts)
            FROM (\(base.sql)) c WHERE c.status IN \(ReportSQL.finalStatuses)
            """).forEachRow(base.values) { row in
            r.meanAttempts = row.optionalDouble(0)
            r.firstAttemptCompletionRate = r.final > 0 ? Double(row.int(1)) / Double(r.final) : nil
            r.exhausted = row.int(2)
        }
        try db.prepare("SELECT c.attempts, count(*) FROM (\(base.sql)) c WHERE c.status IN \(ReportSQL.finalStatuses) GROUP BY c.attempts")
            .forEachRow(base.values) { row in r.attemptsDistribution[row.optionalInt64(0).map(String.init) ?? "unknown"] = row.int(1) }
        return r
    }

    /// Duration statistics of the completed calls whose duration is known.
    public static func durations(_ db: Connection, filter: CallFilter) throws -> DurationStats {
        let base = ReportSQL.base(filter)
        var d = DurationStats()
        try db.prepare("""
            WITH v AS (SELECT \(ReportSQL.effectiveDuration) AS v FROM (\(base.sql)) c WHERE c.status = 'completed'),
                 r AS (SELECT v, row_number() OVER (ORDER BY v) AS rn, count(*) OVER () AS n FROM v WHERE v IS NOT NULL)
            SELECT count(*), avg(v), \(ReportSQL.percentile(50)), \(ReportSQL.percentile(90)), \(ReportSQL.percentile(95)),
                   \(ReportSQL.percentile(99)), max(v)
            FROM r
            """).forEachRow(base.values) { row in
            d.count = row.int(0)
            d.mean = row.optionalDouble(1)
            d.p50 = row.optionalInt64(2)
            d.p90 = row.optionalInt64(3)
            d.p95 = row.optionalInt64(4)
            d.p99 = row.optionalInt64(5)
            d.max = row.optionalInt64(6)
        }
        return d
    }
}
