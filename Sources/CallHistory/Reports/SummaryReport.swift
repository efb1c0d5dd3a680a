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
        // One pass over the final calls gives the mean, the distribution,
        // first-attempt completions and exhausted calls.
        var attemptSum = 0.0, attemptCount = 0, firstAttempt = 0
        try db.prepare("""
            SELECT c.attempts, count(*), sum(c.status = 'completed'), sum(c.status <> 'completed' AND c.attempts >= c.max_attempts)
            FROM (\(base.sql)) c WHERE +c.status IN \(ReportSQL.finalStatuses) GROUP BY c.attempts
            """).forEachRow(base.values) { row in
            let n = row.int(1)
            if let attempts = row.optionalInt64(0) {
                r.attemptsDistribution[String(attempts)] = n
                attemptSum += Double(attempts) * Double(n)
                attemptCount += n
                if attempts == 1 { firstAttempt = row.int(2) }
            } else {
                r.attemptsDistribution["unknown"] = n
            }
            r.exhausted += row.int(3)
        }
        r.meanAttempts = attemptCount > 0 ? attemptSum / Double(attemptCount) : nil
        r.firstAttemptCompletionRate = r.final > 0 ? Double(firstAttempt) / Double(r.final) : nil
        return r
    }

    /// Duration statistics of the completed calls whose duration is known.
    public static func durations(_ db: Connection, filter: CallFilter) throws -> DurationStats {
        try DurationStats.run(db, filter: filter)
    }
}
