import Foundation

/// Local weekday and hour of unix times in one zone, daylight saving
/// included, fast enough for every slot of a year: the offset is looked up
/// once per stretch between two clock changes, and the rest is arithmetic.
/// Times are best given in ascending order (each jump back looks the offset
/// up again).
package struct LocalClock {
    package let zone: TimeZone
    private var from: Int64 = 1
    private var to: Int64 = 0
    private var offset: Int64 = 0

    package init(_ zone: TimeZone) { self.zone = zone }

    /// Seconds east of UTC in force at `unix`.
    package mutating func offset(at unix: Int64) -> Int64 {
        if unix < from || unix >= to {
            let date = Date(timeIntervalSince1970: TimeInterval(unix))
            offset = Int64(zone.secondsFromGMT(for: date))
            from = unix
            to = zone.nextDaylightSavingTimeTransition(after: date).map { Int64($0.timeIntervalSince1970.rounded(.up)) } ?? .max
        }
        return offset
    }

    /// 0 = Monday … 6 = Sunday, and the hour 0…23, of `unix` on the local clock.
    package mutating func weekdayHour(_ unix: Int64) -> (weekday: Int, hour: Int) {
        let local = unix + offset(at: unix)
        let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let second = local - day * 86_400
        // 1970-01-01 was a Thursday: day 0 is weekday 3 counted from Monday.
        let weekday = Int(((day + 3) % 7 + 7) % 7)
        return (weekday, Int(second / 3600))
    }
}
