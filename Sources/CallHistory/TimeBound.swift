import Foundation

/// A `--since`/`--until` value (docs/reports.md): a day `YYYY-MM-DD` (its
/// midnight in the local zone, or UTC with `utc`), a full ISO-8601 time, or a
/// span back from now (`7d`, `12h`, `30m`, `90s`, `2w`). Parsed to unix seconds.
public enum TimeBound {
    public static func parse(_ text: String, utc: Bool, now: Date = Date(), timeZone: TimeZone = .current) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let span = span(t) { return Int64(now.timeIntervalSince1970) - span }
        let zone = utc ? TimeZone(identifier: "UTC")! : timeZone
        let parts = t.split(separator: "-", omittingEmptySubsequences: false)
        if t.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            guard (1...9999).contains(y), let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
                  calendar.component(.day, from: date) == d else { return nil }
            return Int64(date.timeIntervalSince1970)
        }
        let withZone = ISO8601DateFormatter()
        if let date = withZone.date(from: t) { return seconds(date) }
        let naive = ISO8601DateFormatter()
        naive.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        naive.timeZone = zone
        if let date = naive.date(from: t.replacingOccurrences(of: " ", with: "T")) { return seconds(date) }
        return nil
    }

    /// Unix seconds of a parsed date, bounded before the conversion.
    private static func seconds(_ date: Date) -> Int64? {
        let s = date.timeIntervalSince1970
        guard s.isFinite, abs(s) < 1e15 else { return nil }
        return Int64(s)
    }

    /// The longest span back from now: a hundred years. A longer one is
    /// refused (a usage error), never multiplied into an overflow.
    static let maxSpan: Int64 = 100 * 366 * 86_400

    static func span(_ t: String) -> Int64? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        guard let unit = t.last, let factor = units[unit], let n = Int64(t.dropLast()), n >= 0 else { return nil }
        let (seconds, overflow) = n.multipliedReportingOverflow(by: factor)
        guard !overflow, seconds <= maxSpan else { return nil }
        return seconds
    }
}
