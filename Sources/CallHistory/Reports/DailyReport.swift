import Foundation

/// `report daily`: per hour, day, week (starting Monday) or month of
/// `queued_timestamp`, in the local time zone (TZ) or UTC. Periods without
/// calls are left out; calls with no queued time (or one no calendar can
/// place: outside `FieldBounds.timestamp`, written by another tool) are too.
/// Duration sums use `total()`, which cannot overflow.
///
/// SQL aggregates per quarter hour (an integer key, cheap to group, and every
/// time zone's offset is a multiple of 15 minutes); the quarters are then
/// folded into local periods with the calendar, daylight saving included.
public struct DailyReport: Sendable {
    public enum Period: String, CaseIterable, Sendable { case hour, day, week, month }

    public struct Row: Equatable, Sendable {
        /// `2026-11-28T14:00`, `2026-11-28`, the week's Monday, or `2026-11`.
        public var period: String
        public var calls = 0
        public var final = 0
        public var completed = 0
        var durationSum = 0.0
        var durationCount = 0
        public var completionRate: Double? { final > 0 ? Double(completed) / Double(final) : nil }
        /// Mean duration of the period's completed calls whose duration is known.
        public var meanDuration: Double? { durationCount > 0 ? durationSum / Double(durationCount) : nil }
    }

    /// Folds quarter hours into local periods (daylight saving included).
    static func build(_ quarters: [QuarterHour], by period: Period, utc: Bool, timeZone: TimeZone = .current) -> [Row] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc ? TimeZone(identifier: "UTC")! : timeZone
        var rows: [String: Row] = [:]
        for q in quarters {
            let label = Self.label(q.quarter * 900, period, calendar)
            var row = rows[label] ?? Row(period: label)
            row.calls += q.calls
            row.final += q.final
            row.completed += q.completed
            row.durationSum += q.durationSum
            row.durationCount += q.durationCount
            rows[label] = row
        }
        return rows.values.sorted { $0.period < $1.period }
    }

    static func label(_ unix: Int64, _ period: Period, _ calendar: Calendar) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(unix))
        let c = calendar.dateComponents([.year, .month, .day, .hour, .weekday], from: date)
        let day = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        switch period {
        case .hour: return day + String(format: "T%02d:00", c.hour!)
        case .day: return day
        case .month: return String(format: "%04d-%02d", c.year!, c.month!)
        case .week:
            // Back to Monday (weekday: 1 is Sunday … 7 is Saturday).
            let monday = calendar.date(byAdding: .day, value: -((c.weekday! + 5) % 7), to: calendar.startOfDay(for: date))!
            let m = calendar.dateComponents([.year, .month, .day], from: monday)
            return String(format: "%04d-%02d-%02d", m.year!, m.month!, m.day!)
        }
    }
}
