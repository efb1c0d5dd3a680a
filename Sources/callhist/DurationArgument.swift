import ArgumentParser

/// A span of time on the command line: `90` or `90s`, `15m`, `2h`, `7d`,
/// `2w`, and combinations such as `1h30m` or `1d12h`. At most a hundred
/// years: a larger value is refused as a usage error before any arithmetic
/// could overflow. Help shows defaults as they are typed (`30s`).
struct DurationArgument: ExpressibleByArgument, Sendable {
    static let maxSeconds: Int64 = 100 * 366 * 86_400

    let seconds: Int64
    /// As typed (trimmed, lowercased).
    let text: String

    init?(argument: String) {
        guard let seconds = Self.parse(argument) else { return nil }
        self.seconds = seconds
        text = argument.trimmingCharacters(in: .whitespaces).lowercased()
    }

    static func parse(_ input: String) -> Int64? {
        let t = input.trimmingCharacters(in: .whitespaces).lowercased()
        guard !t.isEmpty else { return nil }
        if let n = Int64(t) { return (0...maxSeconds).contains(n) ? n : nil }
        let factors: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var total = 0.0
        var number = ""
        var lastFactor = Double.infinity
        for c in t {
            if c.isNumber || c == "." {
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

    var duration: Duration { .seconds(seconds) }

    var defaultValueDescription: String { text }

    static var defaultCompletionKind: CompletionKind { .default }

    /// "2d 3h", "1h 30m", "45s": a span as people read it (two largest units).
    static func describe(_ seconds: Int64) -> String {
        guard seconds >= 0 else { return "-" + describe(seconds == .min ? .max : -seconds) }
        let units: [(Int64, String)] = [(86_400, "d"), (3600, "h"), (60, "m"), (1, "s")]
        var parts: [String] = []
        var rest = seconds
        for (size, name) in units where rest >= size || (parts.isEmpty && size == 1) {
            let n = rest / size
            rest -= n * size
            if n > 0 || parts.isEmpty { parts.append("\(n)\(name)") }
            if parts.count == 2 { break }
        }
        return parts.joined(separator: " ")
    }
}
