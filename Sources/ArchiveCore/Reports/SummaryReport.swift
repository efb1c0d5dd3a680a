/// `report summary` (docs/reports.md): calls, final, pending, by status,
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
    /// Final calls completed at their first attempt (the rate's numerator).
    public var firstAttemptCompleted = 0
    /// Final calls not completed whose attempts reached max_attempts.
    public var exhausted = 0

    public init() {}

    /// The summary from the archive's status counts, the final calls'
    /// attempt groups and the duration histogram.
    package static func build(statusCounts: [String: Int], finalGroups: [AttemptGroup], durations: [(value: Int64, count: Int)]) -> SummaryReport {
        var r = SummaryReport()
        for (status, n) in statusCounts {
            r.byStatus[status] = n
            r.calls += n
            if ReportSQL.isFinal(status) { r.final += n } else { r.pending += n }
            if status == "completed" { r.completed = n }
        }
        r.completionRate = r.final > 0 ? Double(r.completed) / Double(r.final) : nil
        r.duration = DurationStats(histogram: durations)
        var attemptSum = 0.0
        var attemptCount = 0
        var firstAttempt = 0
        var distribution: [Int64?: Int] = [:]
        for g in finalGroups {
            distribution[g.attempts, default: 0] += g.final
            r.exhausted += g.exhausted
            guard let attempts = g.attempts else { continue }
            attemptSum += Double(attempts) * Double(g.final)
            attemptCount += g.final
            if attempts == 1 { firstAttempt += g.completed }
        }
        r.attemptsDistribution = Dictionary(uniqueKeysWithValues: distribution.map { ($0.key.map(String.init) ?? "unknown", $0.value) })
        r.meanAttempts = attemptCount > 0 ? attemptSum / Double(attemptCount) : nil
        r.firstAttemptCompleted = firstAttempt
        r.firstAttemptCompletionRate = r.final > 0 ? Double(firstAttempt) / Double(r.final) : nil
        return r
    }
}
