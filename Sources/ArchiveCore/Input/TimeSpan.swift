import Foundation

/// A span of time as people type it (docs/reports.md, "Dates and spans"):
/// `90` or `90s`, `15m`, `2h`, `7d`, `2w`, decimals (`1.5h`) and
/// combinations, largest unit first (`1h30m`, `1d12h`). At most a hundred
/// years, so nothing typed can overflow what is computed from it. The one
/// parser for `--timeout`, `--max-runtime`, `--stale-after`, `--max-age`
/// and the spans of `--since`/`--until`.
public enum TimeSpan {
    public static let maxSeconds: Int64 = 100 * 366 * 86_400

    /// Whole seconds, or nil when `input` is not a span.
    public static func parse(_ input: String) -> Int64? {
        let t = input.trimmingCharacters(in: .whitespaces).lowercased()
        guard !t.isEmpty, t.utf8.count <= 64 else { return nil }
        if t.allSatisfy(\.isASCIIDigit) {
            guard let n = Int64(t), n <= maxSeconds else { return nil }
            return n
        }
        let factors: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var total = 0.0
        var number = ""
        var lastFactor = Double.infinity
        for c in t {
            if c.isASCIIDigit || c == "." {
                number.append(c)
            } else if let factor = factors[c] {
                // Each unit once, largest first: "1h30m", not "30m1h" or "1h1h".
                guard let n = Double(number), n.isFinite, n >= 0, factor < lastFactor else { return nil }
                total += n * factor
                lastFactor = factor
                number = ""
            } else {
                return nil
            }
        }
        guard number.isEmpty, total.rounded() <= Double(maxSeconds) else { return nil }
        return Int64(total.rounded())
    }

    /// "2d 3h", "1h 30m", "45s": a span as people read it (its two largest units).
    public static func describe(_ seconds: Int64) -> String {
        guard seconds >= 0 else { return "-" + describe(seconds == .min ? .max : -seconds) }
        let units: [(Int64, String)] = [(86_400, "d"), (3600, "h"), (60, "m"), (1, "s")]
        var parts: [String] = []
        var rest = seconds
        for (size, name) in units where rest >= size {
            parts.append("\(rest / size)\(name)")
            rest %= size
            if parts.count == 2 { break }
        }
        return parts.isEmpty ? "0s" : parts.joined(separator: " ")
    }
}

extension Character {
    package var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
