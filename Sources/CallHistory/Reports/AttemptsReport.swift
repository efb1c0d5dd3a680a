import SQLite

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

    public static func run(_ db: Connection, filter: CallFilter) throws -> AttemptsReport {
        let base = ReportSQL.base(filter)
        // One grouped pass; both views are folded from it.
        var byAttempts: [Int64?: Row] = [:], byMax: [Int64?: Row] = [:]
        try db.prepare("""
            SELECT c.attempts, c.max_attempts, count(*), sum(c.status = 'completed'), sum(c.status <> 'completed' AND c.attempts >= c.max_attempts)
            FROM (\(base.sql)) c WHERE +c.status IN \(ReportSQL.finalStatuses)
            GROUP BY c.attempts, c.max_attempts
            """).forEachRow(base.values) { r in
            for (key, table) in [(r.optionalInt64(0), 0), (r.optionalInt64(1), 1)] {
                var row = (table == 0 ? byAttempts[key] : byMax[key]) ?? Row(attempts: key, final: 0, completed: 0, exhausted: 0)
                row.final += r.int(2)
                row.completed += r.int(3)
                row.exhausted += r.int(4)
                if table == 0 { byAttempts[key] = row } else { byMax[key] = row }
            }
        }
        // Known values ascending, unknown last.
        func ordered(_ rows: [Int64?: Row]) -> [Row] { rows.values.sorted { ($0.attempts ?? .max) < ($1.attempts ?? .max) } }
        return AttemptsReport(byAttempts: ordered(byAttempts), byMaxAttempts: ordered(byMax))
    }
}
