/// `report attempts`: over final calls, completion by attempts used and by
/// the max_attempts the call was allowed.
public struct AttemptsReport: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        /// The attempts used (or allowed); nil where the API gave none.
        public var attempts: Int64?
        public var final: Int
        public var completed: Int
        /// Final calls not completed whose attempts reached max_attempts.
        public var exhausted: Int
        public var completionRate: Double? { final > 0 ? Double(completed) / Double(final) : nil }
    }

    public var byAttempts: [Row] = []
    public var byMaxAttempts: [Row] = []

    /// Folds the final calls' (attempts, max_attempts) groups into both views.
    package static func build(_ groups: [AttemptGroup]) -> AttemptsReport {
        var byAttempts: [Int64?: Row] = [:]
        var byMax: [Int64?: Row] = [:]
        for g in groups {
            for (key, table) in [(g.attempts, 0), (g.maxAttempts, 1)] {
                var row = (table == 0 ? byAttempts[key] : byMax[key]) ?? Row(attempts: key, final: 0, completed: 0, exhausted: 0)
                row.final += g.final
                row.completed += g.completed
                row.exhausted += g.exhausted
                if table == 0 { byAttempts[key] = row } else { byMax[key] = row }
            }
        }
        // Known values ascending, unknown last.
        func ordered(_ rows: [Int64?: Row]) -> [Row] { rows.values.sorted { ($0.attempts ?? .max) < ($1.attempts ?? .max) } }
        return AttemptsReport(byAttempts: ordered(byAttempts), byMaxAttempts: ordered(byMax))
    }
}
