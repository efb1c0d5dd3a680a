import SQLite

/// `report daily`: per hour, day, week (starting Monday) or month of
/// `queued_timestamp`, in the local time zone (TZ) or UTC. Periods without
/// calls are left out; calls with no queued time cannot be placed and are too.
public struct DailyReport: Sendable {
    public enum Period: String, CaseIterable, Sendable { case hour, day, week, month }

    public struct Row: Equatable, Sendable {
        /// `2026-11-28T14:00`, `2026-11-28`, the week's Monday, or `2026-11`.
        public var period: String
        public var calls: Int
        public var final: Int
        public var completed: Int
        public var completionRate: Double? { final > 0 ? Double(completed) / Double(final) : nil }
        /// Mean duration of the period's completed calls whose duration is known.
        public var meanDuration: Double?
    }

    public static func run(_ db: Connection, filter: CallFilter, by period: Period, utc: Bool) throws -> [Row] {
        let base = ReportSQL.base(filter)
        let zone = utc ? "" : ", 'localtime'"
        let bucket = switch period {
        case .hour: "strftime('%Y-%m-%dT%H:00', c.queued_timestamp, 'unixepoch'\(zone))"
        case .day: "date(c.queued_timestamp, 'unixepoch'\(zone))"
        case .week: "date(c.queued_timestamp, 'unixepoch'\(zone), '-6 days', 'weekday 1')"
        case .month: "strftime('%Y-%m', c.queued_timestamp, 'unixepoch'\(zone))"
        }
        return try db.prepare("""
            SELECT \(bucket) AS period, count(*), sum(c.status IN \(ReportSQL.finalStatuses)), sum(c.status = 'completed'),
                   avg(CASE WHEN c.status = 'completed' THEN \(ReportSQL.effectiveDuration) END)
            FROM (\(base.sql)) c WHERE c.queued_timestamp IS NOT NULL
            GROUP BY period ORDER BY period
            """).map(base.values) { row in
            Row(period: row.string(0), calls: row.int(1), final: row.int(2), completed: row.int(3), meanDuration: row.optionalDouble(4))
        }
    }
}
