import Foundation

/// A `--since`/`--until` value (DESIGN.md §5): a day `YYYY-MM-DD` (its
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
            guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
                  calendar.component(.day, from: date) == d else { return nil }
            return Int64(date.timeIntervalSince1970)
        }
        let withZone = ISO8601DateFormatter()
        if let date = withZone.date(from: t) { return Int64(date.timeIntervalSince1970) }
        let naive = ISO8601DateFormatter()
        naive.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        naive.timeZone = zone
        if let date = naive.date(from: t.replacingOccurrences(of: " ", with: "T")) { return Int64(date.timeIntervalSince1970) }
        return nil
    }

    static func span(_ t: String) -> Int64? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        guard let unit = t.last, let factor = units[unit], let n = Int64(t.dropLast()), n >= 0 else { return nil }
        return n * factor
    }
}
