import Foundation

/// A `--since`/`--until` value, parsed to unix seconds (docs/reports.md,
/// "Dates and spans"). The forms, in the local time zone (or UTC with
/// `utc`) unless the text carries an offset:
///
/// - `today`, `yesterday` (their midnight), `now`;
/// - a day: `2026-11-15` or `2026/11/15` (its midnight);
/// - a time: `2026-11-15 12:00`, `2026-11-15T12:00:30`, optionally with
///   fractions of a second and an offset (`Z`, `+01:00`, `-0500`, `+01`);
/// - `@1795000000`: unix seconds;
/// - a span back from now: `90m`, `1h30m`, `7d`, `2w` (`TimeSpan`).
///
/// A local time that a clock change skips (02:30 when clocks go forward) is
/// read as the same length of time after the change (03:30); a local time
/// that happens twice (01:30 when clocks go back) as its first occurrence.
public enum TimeBound {
    public static func parse(_ text: String, utc: Bool, now: Date = Date(), timeZone: TimeZone = .current) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, t.utf8.count <= 64 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc ? TimeZone(identifier: "UTC")! : timeZone
        let nowSeconds = Int64(now.timeIntervalSince1970)
        switch t.lowercased() {
        case "now": return nowSeconds
        case "today": return seconds(calendar.startOfDay(for: now))
        case "yesterday": return calendar.date(byAdding: .day, value: -1, to: calendar.startOfDay(for: now)).flatMap(seconds)
        default: break
        }
        if t.hasPrefix("@") {
            guard let n = Int64(t.dropFirst()), (0...253_402_300_799).contains(n) else { return nil }
            return n
        }
        if let span = TimeSpan.parse(t) { return nowSeconds - span }
        return dateTime(t, calendar: calendar)
    }

    /// `YYYY-MM-DD` or `YYYY/MM/DD`, then optionally `T` or a space,
    /// `HH:MM[:SS[.fff]]` and an offset.
    package static func dateTime(_ t: String, calendar: Calendar) -> Int64? {
        var s = Substring(t)
        func number(_ digits: Int) -> Int? {
            guard s.count >= digits, s.prefix(digits).allSatisfy(\.isASCIIDigit) else { return nil }
            defer { s = s.dropFirst(digits) }
            return Int(s.prefix(digits))
        }
        func take(_ c: Character) -> Bool {
            guard s.first == c else { return false }
            s = s.dropFirst()
            return true
        }
        guard let year = number(4), let separator = s.first, separator == "-" || separator == "/" else { return nil }
        s = s.dropFirst()
        guard let month = number(2), take(separator), let day = number(2) else { return nil }
        var c = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        if !s.isEmpty {
            guard take("T") || take("t") || take(" "), let hour = number(2), take(":"), let minute = number(2) else { return nil }
            c.hour = hour
            c.minute = minute
            if take(":") {
                guard let second = number(2) else { return nil }
                c.second = second
                if take(".") || take(",") {
                    let fraction = s.prefix { $0.isASCIIDigit }
                    guard !fraction.isEmpty else { return nil }
                    s = s.dropFirst(fraction.count)  // fractions of a second: dropped
                }
            }
        }
        var offset: Int?
        if take("Z") || take("z") {
            offset = 0
        } else if let sign = s.first, sign == "+" || sign == "-" {
            s = s.dropFirst()
            guard let hours = number(2) else { return nil }
            _ = take(":")
            let minutes = s.isEmpty ? 0 : number(2)
            guard let minutes, hours <= 23, minutes <= 59 else { return nil }
            offset = (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
        }
        guard s.isEmpty, (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day),
            (0...23).contains(c.hour!), (0...59).contains(c.minute!), (0...59).contains(c.second!)
        else { return nil }
        var cal = calendar
        if offset != nil { cal.timeZone = TimeZone(identifier: "UTC")! }
        guard let date = cal.date(from: c), cal.component(.day, from: date) == day || offset == nil && isSkipped(c, cal) else { return nil }
        // The first occurrence of a repeated local time: Foundation may pick
        // either, so step back an hour when that is the same wall time too.
        var result = date
        if offset == nil, let earlier = cal.date(byAdding: .second, value: -3600, to: date),
            cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: earlier)
                == cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        {
            result = earlier
        }
        guard let unix = seconds(result) else { return nil }
        return unix - Int64(offset ?? 0)
    }

    /// True when the components name a local time the zone skips (the day
    /// check above would otherwise refuse it on a day that starts in a gap).
    private static func isSkipped(_ c: DateComponents, _ cal: Calendar) -> Bool {
        guard let noon = cal.date(from: DateComponents(year: c.year, month: c.month, day: c.day, hour: 12)) else { return false }
        return cal.component(.day, from: noon) == c.day
    }

    /// Unix seconds of a parsed date, bounded before the conversion.
    private static func seconds(_ date: Date) -> Int64? {
        let s = date.timeIntervalSince1970
        guard s.isFinite, abs(s) < 1e15 else { return nil }
        return Int64(s)
    }
}
