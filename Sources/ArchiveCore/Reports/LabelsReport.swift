/// `report labels NAME`: one row per value of a label (`campaign`: spring,
/// summer…) with the summary's measures over that value's calls
/// (docs/reports.md, "Labels"). A call with two values counts in both rows.
public struct LabelsReport: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        public var value: String
        public var calls = 0
        public var final = 0
        public var completed = 0
        public var pending = 0
        /// Completed at the first attempt.
        package var firstAttempt = 0
        package var attemptSum = 0.0
        package var attemptCount = 0
        public var duration = DurationStats()

        public var completionRate: Double? { final > 0 ? Double(completed) / Double(final) : nil }
        public var firstAttemptCompletionRate: Double? { final > 0 ? Double(firstAttempt) / Double(final) : nil }
        /// Mean `attempts` of the final calls that have one.
        public var meanAttempts: Double? { attemptCount > 0 ? attemptSum / Double(attemptCount) : nil }
    }

    public var name: String
    public var rows: [Row]

    /// Folds the calls grouped by (value, status, attempts) and the
    /// completed calls' durations by value into rows, by value.
    package static func build(name: String, groups: [LabelGroup], durations: [(value: String, duration: Int64, count: Int)]) -> LabelsReport {
        var rows: [String: Row] = [:]
        for g in groups {
            var row = rows[g.value] ?? Row(value: g.value)
            row.calls += g.calls
            if ReportSQL.isFinal(g.status) {
                row.final += g.calls
                if g.status == "completed" {
                    row.completed += g.calls
                    if g.attempts == 1 { row.firstAttempt += g.calls }
                }
                if let attempts = g.attempts {
                    row.attemptSum += Double(attempts) * Double(g.calls)
                    row.attemptCount += g.calls
                }
            } else {
                row.pending += g.calls
            }
            rows[g.value] = row
        }
        var histograms: [String: [(value: Int64, count: Int)]] = [:]
        for d in durations { histograms[d.value, default: []].append((d.duration, d.count)) }
        for (value, histogram) in histograms where rows[value] != nil { rows[value]!.duration = DurationStats(histogram: histogram) }
        return LabelsReport(name: name, rows: rows.values.sorted { $0.value < $1.value })
    }
}

/// Calls with a label's value, a status and an `attempts`.
package struct LabelGroup: Sendable, Equatable {
    package var value: String
    package var status: String
    package var attempts: Int64?
    package var calls: Int

    package init(value: String, status: String, attempts: Int64? = nil, calls: Int) {
        self.value = value
        self.status = status
        self.attempts = attempts
        self.calls = calls
    }
}
