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
        func rows(_ column: String) throws -> [Row] {
            try db.prepare("""
                SELECT c.\(column), count(*), sum(c.status = 'completed'), sum(c.status <> 'completed' AND c.attempts >= c.max_attempts)
                FROM (\(base.sql)) c WHERE c.status IN \(ReportSQL.finalStatuses)
                GROUP BY c.\(column) ORDER BY c.\(column) IS NULL, c.\(column)
                """).map(base.values) { Row(attempts: $0.optionalInt64(0), final: $0.int(1), completed: $0.int(2), exhausted: $0.int(3)) }
        }
        return AttemptsReport(byAttempts: try rows("attempts"), byMaxAttempts: try rows("max_attempts"))
    }
}
