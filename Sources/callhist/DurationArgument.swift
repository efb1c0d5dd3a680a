import ArgumentParser
import CallHistory

/// A span of time on the command line, parsed by `TimeSpan` (`30s`, `20m`,
/// `1h30m`, `7d`, `2w`). Help shows defaults as they are typed (`30s`).
struct DurationArgument: ExpressibleByArgument, Sendable {
    let seconds: Int64
    /// As typed (trimmed, lowercased).
    let text: String

    init?(argument: String) {
        guard let seconds = TimeSpan.parse(argument) else { return nil }
        self.seconds = seconds
        text = argument.trimmingCharacters(in: .whitespaces).lowercased()
    }

    var duration: Duration { .seconds(seconds) }

    var defaultValueDescription: String { text }

    static var defaultCompletionKind: CompletionKind { .default }
}
