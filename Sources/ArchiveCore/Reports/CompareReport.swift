/// `report compare`: two groups of calls side by side — two periods, or two
/// values of a label — with each rate's difference, its 95% interval and
/// whether chance explains it (docs/reports.md, "Compare").
public struct CompareReport: Equatable, Sendable {
    public struct Group: Equatable, Sendable {
        /// How the group was chosen: `campaign=spring`, `2026-09-01 to 2026-09-15`.
        public var name: String
        public var calls = 0
        public var final = 0
        public var completed = 0
        /// Final calls someone picked up (docs/reports.md, "Hours").
        public var answered = 0
        public var meanAttempts: Double?
        public var medianDuration: Int64?
        public var p90Duration: Int64?

        public var completionRate: Double? { final > 0 ? Double(completed) / Double(final) : nil }
        public var answerRate: Double? { final > 0 ? Double(answered) / Double(final) : nil }

        package init(name: String, summary: SummaryReport, answeredUncompleted: Int) {
            self.name = name
            calls = summary.calls
            final = summary.final
            completed = summary.completed
            answered = summary.completed + answeredUncompleted
            meanAttempts = summary.meanAttempts
            medianDuration = summary.duration.p50
            p90Duration = summary.duration.p90
        }
    }

    /// The first group (the filters) and the second (the `--vs-` options).
    public var first: Group
    public var second: Group

    /// first − second; nil when a group has no final call.
    public var completion: TwoProportions? { TwoProportions(first.completed, of: first.final, vs: second.completed, of: second.final) }
    public var answer: TwoProportions? { TwoProportions(first.answered, of: first.final, vs: second.answered, of: second.final) }
}
