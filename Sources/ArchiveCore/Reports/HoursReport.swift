import Foundation

/// `report hours`: when people pick up. The calls queued in the period,
/// by the hour of day of their queued time on the local clock (`--tz`, the
/// system zone, or UTC), and by weekday × hour (docs/reports.md, "Hours").
/// A clock change moves calls between hours, never loses them: the skipped
/// hour simply has none that day, and the repeated one counts both.
///
/// The counts fold the quarter hours `report daily` reads, the medians the
/// completed calls' durations by quarter hour: every zone's offset is whole
/// quarter hours, so each quarter lies in one local hour.
public struct HoursReport: Equatable, Sendable {
    public enum Grouping: String, CaseIterable, Sendable {
        /// 24 rows: each hour of day over every day of the period.
        case hour
        /// 168 rows: Monday 00:00 to Sunday 23:00.
        case weekday
    }

    public struct Cell: Equatable, Sendable {
        /// 0 = Monday … 6 = Sunday; nil in the rows of every day.
        public var weekday: Int?
        public var hour: Int
        public var calls = 0
        public var final = 0
        public var completed = 0
        /// Final calls someone picked up: completed, or connected and then
        /// disconnected (`ReportSQL.answeredUncompleted`).
        public var answered = 0
        /// Nearest-rank median duration of the completed calls whose duration is known.
        public var medianDuration: Int64?

        public var completionRate: Double? { final > 0 ? Double(completed) / Double(final) : nil }
        public var answerRate: Double? { final > 0 ? Double(answered) / Double(final) : nil }
        /// The weekday's English name, or `all`.
        public var weekdayName: String { weekday.map { HoursReport.weekdayNames[$0] } ?? "all" }
        /// `09:00`.
        public var hourText: String { String(format: "%02d:00", hour) }
    }

    public static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// The 24 hours of day, midnight first.
    public var hours: [Cell]
    /// The 168 weekday hours, Monday midnight first.
    public var weekdays: [Cell]
    /// The zone the hours are read in.
    public var zoneName: String

    public func rows(_ grouping: Grouping) -> [Cell] { grouping == .hour ? hours : weekdays }

    /// Whether any hour holds a call.
    public var isEmpty: Bool { !hours.contains { $0.calls > 0 } }

    package static func build(
        quarters: [QuarterHour], answered: [Int64: Int], zone: TimeZone,
        durations: (_ visit: (DurationSlot) -> Void) throws -> Void
    ) rethrows -> HoursReport {
        var hours = (0..<24).map { Cell(weekday: nil, hour: $0) }
        var weekdays = (0..<168).map { Cell(weekday: $0 / 24, hour: $0 % 24) }
        var clock = LocalClock(zone)
        func add(_ unix: Int64, _ body: (inout Cell) -> Void) {
            let (weekday, hour) = clock.weekdayHour(unix)
            body(&hours[hour])
            body(&weekdays[weekday * 24 + hour])
        }
        for q in quarters.sorted(by: { $0.quarter < $1.quarter }) {
            add(q.quarter * 900) { c in
                c.calls += q.calls
                c.final += q.final
                c.completed += q.completed
                c.answered += q.completed
            }
        }
        // Apart: a quarter may come in more than one row (a scan groups a
        // REAL queued time apart from an INTEGER one).
        for (quarter, calls) in answered.sorted(by: { $0.key < $1.key }) where quarter >= 0 {
            add(quarter * 900) { $0.answered += calls }
        }
        var histograms = [SecondsHistogram](repeating: SecondsHistogram(), count: 168)
        try durations { d in
            let (weekday, hour) = clock.weekdayHour(d.quarter * 900)
            histograms[weekday * 24 + hour].add(d.duration, d.calls)
        }
        for hour in 0..<24 {
            var all = SecondsHistogram()
            for day in 0..<7 {
                weekdays[day * 24 + hour].medianDuration = histograms[day * 24 + hour].median
                all.add(histograms[day * 24 + hour])
            }
            hours[hour].medianDuration = all.median
        }
        return HoursReport(hours: hours, weekdays: weekdays, zoneName: zone.identifier)
    }
}

/// Calls by duration in seconds, for a median over hundreds of thousands of
/// rows without a dictionary look-up each: durations under an hour (nearly
/// all) in a flat row made on first use, walked only between the shortest
/// and the longest seen; others (longer, or negative from a stranger) in a
/// dictionary.
private struct SecondsHistogram {
    static let short = 3600
    var row: [Int] = []
    var low = SecondsHistogram.short
    var high = -1
    var other: [Int64: Int] = [:]

    mutating func add(_ seconds: Int64, _ calls: Int) {
        guard seconds >= 0 && seconds < Int64(Self.short) else {
            other[seconds, default: 0] += calls
            return
        }
        if row.isEmpty { row = [Int](repeating: 0, count: Self.short) }
        let s = Int(seconds)
        row[s] += calls
        low = min(low, s)
        high = max(high, s)
    }

    mutating func add(_ h: SecondsHistogram) {
        if h.high >= h.low {
            for s in h.low...h.high where h.row[s] != 0 { add(Int64(s), h.row[s]) }
        }
        other.merge(h.other, uniquingKeysWith: +)
    }

    /// The nearest-rank median, as `DurationStats` ranks it.
    var median: Int64? {
        var histogram = other.filter { $0.key < 0 && $0.value != 0 }.sorted { $0.key < $1.key }.map { (value: $0.key, count: $0.value) }
        if high >= low {
            for s in low...high where row[s] != 0 { histogram.append((Int64(s), row[s])) }
        }
        histogram += other.filter { $0.key >= 0 && $0.value != 0 }.sorted { $0.key < $1.key }.map { (value: $0.key, count: $0.value) }
        return DurationStats(histogram: histogram).p50
    }
}
