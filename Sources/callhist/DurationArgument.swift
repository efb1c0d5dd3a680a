import ArgumentParser

/// A span of time on the command line: `90` or `90s`, `15m`, `2h`, `7d`.
/// At most a hundred years: a larger value is refused as a usage error
/// before any arithmetic could overflow.
struct DurationArgument: ExpressibleByArgument, Sendable {
    static let maxSeconds: Int64 = 100 * 366 * 86_400

    let seconds: Int64

    init?(argument: String) {
        guard let seconds = Self.parse(argument) else { return nil }
        self.seconds = seconds
    }

    static func parse(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int64)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            guard let n = Double(t.dropLast(suffix.count)), n >= 0, n.isFinite else { return nil }
            let seconds = (n * Double(factor)).rounded()
            guard seconds <= Double(maxSeconds) else { return nil }
            return Int64(seconds)
        }
        guard let n = Int64(t), (0...maxSeconds).contains(n) else { return nil }
        return n
    }

    var duration: Duration { .seconds(seconds) }

    static var defaultCompletionKind: CompletionKind { .default }
}
