import Foundation
import FuseAPI

/// ISO 8601 times with their offset for the spreadsheet-friendly CSV
/// (docs/schema.md, "Exports"): written for a million rows without a
/// calendar call each (the offset looked up once per stretch between clock
/// changes, the date by arithmetic), and read back strictly.
package struct ISOTime {
    private var clock: LocalClock?

    /// In `zone`, or UTC (`Z`) when nil.
    package init(zone: TimeZone?) { clock = zone.map(LocalClock.init) }

    /// `2026-11-01T01:30:00-04:00` (`…Z` in UTC); a value no calendar can
    /// place (outside 1970–9999, or past 9999 on the local clock) stays the
    /// number it is, so nothing is lost.
    package mutating func string(_ unix: Int64) -> String {
        guard let (offset, y, m, d, second) = fields(unix) else { return String(unix) }
        var out: [UInt8] = []
        out.reserveCapacity(25)
        func digits(_ n: Int, _ width: Int) { Self.digits(n, width, to: &out) }
        Self.minute(y, m, d, second, separator: "T", to: &out)
        out.append(UInt8(ascii: ":"))
        digits(second % 60, 2)
        if clock == nil {
            out.append(UInt8(ascii: "Z"))
        } else {
            let a = Int(abs(offset))
            out.append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            digits(a / 3600, 2)
            out.append(UInt8(ascii: ":"))
            digits(a / 60 % 60, 2)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `2026-11-28 14:03`, as people read a time (`Humanize.time`); nil
    /// where no calendar can place `unix`.
    package mutating func minute(_ unix: Int64) -> String? {
        guard let (_, y, m, d, second) = fields(unix) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(16)
        Self.minute(y, m, d, second, separator: " ", to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The offset, the local date and the second of the local day; nil
    /// outside 1970–9999 (9999-12-31T23:59:59Z is already in the year 10000
    /// east of UTC).
    private mutating func fields(_ unix: Int64) -> (offset: Int64, y: Int, m: Int, d: Int, second: Int)? {
        guard FieldBounds.timestamp.contains(unix) else { return nil }
        let offset = clock?.offset(at: unix) ?? 0
        let local = unix + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let (y, m, d) = Self.civil(days)
        guard y <= 9999 else { return nil }
        return (offset, y, m, d, Int(local - days * 86_400))
    }

    /// `2026-11-28T14:03` (with `separator` between date and time). Digits
    /// by hand: String(format:) costs a microsecond a call, and an export
    /// writes eight times a call.
    private static func minute(_ y: Int, _ m: Int, _ d: Int, _ second: Int, separator: Unicode.Scalar, to out: inout [UInt8]) {
        digits(y, 4, to: &out)
        out.append(UInt8(ascii: "-"))
        digits(m, 2, to: &out)
        out.append(UInt8(ascii: "-"))
        digits(d, 2, to: &out)
        out.append(UInt8(ascii: separator))
        digits(second / 3600, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        digits(second / 60 % 60, 2, to: &out)
    }

    private static func digits(_ n: Int, _ width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var n = n
        for _ in 0..<width {
            out.append(UInt8(ascii: "0") + UInt8(n / divisor % 10))
            n %= divisor
            divisor /= 10
        }
    }

    /// Unix seconds of `2026-11-01T01:30:00-04:00`, `…Z` or `…+0530`; nil
    /// for anything else (no local times: a file's time must say its offset).
    package static func parse(_ text: Substring) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var n = 0
            for i in from..<(from + count) {
                guard i < b.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[i]) else { return nil }
                n = n * 10 + Int(b[i] - UInt8(ascii: "0"))
            }
            return n
        }
        guard let y = number(0, 4), let m = number(5, 2), let d = number(8, 2), let h = number(11, 2), let mi = number(14, 2),
            let s = number(17, 2), (1...12).contains(m), (1...31).contains(d), h < 24, mi < 60, s < 60
        else { return nil }
        var offset = 0
        let zone = b[19...]
        if zone.count == 1 && zone.first == UInt8(ascii: "Z") {
            offset = 0
        } else if let sign = zone.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            let colon = zone.count == 6 && b[22] == UInt8(ascii: ":")
            guard colon || zone.count == 5, let oh = number(20, 2), let om = number(colon ? 23 : 22, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        let days = Self.days(y, m, d)
        guard Self.civil(days) == (y, m, d) else { return nil }  // 2026-02-30
        return days * 86_400 + Int64(h * 3600 + mi * 60 + s) - Int64(offset)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil).
    static func days(_ y: Int, _ m: Int, _ d: Int) -> Int64 {
        let y = Int64(m <= 2 ? y - 1 : y)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = Int64((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1)
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day since 1970-01-01 (Hinnant's civil_from_days).
    static func civil(_ days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (Int(yoe + era * 400) + (m <= 2 ? 1 : 0), m, d)
    }
}
