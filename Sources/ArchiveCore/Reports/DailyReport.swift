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
        /// `2026-11-28T14:00-05:00` (an hour, with the offset in force then;
        /// no offset with --utc), `2026-11-28`, the week's Monday, or `2026-11`.
        public var period: String
        /// The period's first second and the first second after it (unix):
        /// a local day is one row however long it is, the repeated hour of a
        /// clock change two rows, the skipped hour none.
        public var start: Int64
        public var end: Int64
        public var calls = 0
        public var final = 0
        public var completed = 0
        public var failed = 0
        public var canceled = 0
        public var rejected = 0
        /// Calls not final yet.
        public var pending: Int { calls - final }
        package var durationSum = 0.0
        package var durationCount = 0
        public var completionRate: Double? { final > 0 ? Double(completed) / Double(final) : nil }
        /// Mean duration of the period's completed calls whose duration is known.
        public var meanDuration: Double? { durationCount > 0 ? durationSum / Double(durationCount) : nil }
    }

    /// Folds quarter hours into local periods (daylight saving included).
    package static func build(_ quarters: [QuarterHour], by period: Period, utc: Bool, timeZone: TimeZone = .current) -> [Row] {
        let calendar = Self.calendar(utc: utc, timeZone: timeZone)
        var rows: [Int64: Row] = [:]
        // Quarters arrive in order: most fall in the period of the one before.
        var current: (start: Int64, end: Int64)?
        for q in quarters {
            let instant = q.quarter * 900
            if current.map({ !($0.start...($0.end - 1)).contains(instant) }) ?? true {
                current = Self.interval(instant, period, calendar)
            }
            let (start, end) = current!
            var row = rows[start] ?? Row(period: Self.label(start, period, calendar, utc: utc), start: start, end: end)
            row.calls += q.calls
            row.final += q.final
            row.completed += q.completed
            row.failed += q.failed
            row.canceled += q.canceled
            row.rejected += q.rejected
            row.durationSum += q.durationSum
            row.durationCount += q.durationCount
            rows[start] = row
        }
        return rows.values.sorted { $0.start < $1.start }
    }

    /// The calendar periods are read in: UTC or the zone, weeks from Monday.
    package static func calendar(utc: Bool, timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc ? TimeZone(identifier: "UTC")! : timeZone
        calendar.firstWeekday = 2  // weeks start on Monday
        return calendar
    }

    /// The local period holding `unix`: [start, end) in unix seconds.
    package static func interval(_ unix: Int64, _ period: Period, _ calendar: Calendar) -> (start: Int64, end: Int64) {
        let component: Calendar.Component =
            switch period {
            case .hour: .hour
            case .day: .day
            case .week: .weekOfYear
            case .month: .month
            }
        let date = Date(timeIntervalSince1970: TimeInterval(unix))
        guard let i = calendar.dateInterval(of: component, for: date) else { return (unix, unix + 1) }
        return (Int64(i.start.timeIntervalSince1970), Int64(i.end.timeIntervalSince1970))
    }

    package static func label(_ start: Int64, _ period: Period, _ calendar: Calendar, utc: Bool) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(start))
        let c = calendar.dateComponents([.year, .month, .day, .hour], from: date)
        let day = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        switch period {
        case .hour: return day + String(format: "T%02d:00", c.hour!) + (utc ? "" : Humanize.offset(calendar.timeZone, at: start))
        case .day, .week: return day
        case .month: return String(format: "%04d-%02d", c.year!, c.month!)
        }
    }
}
