/// The sane range of every number the API sends, defined once
/// (docs/reliability.md, "Values from outside"). A value outside its range,
/// or one that is not a whole number, is refused: the call's column is left
/// NULL, the body is still archived verbatim, and `last_error` names the
/// field. The ranges are generous for real calls and small enough that no
/// sum or difference over billions of archived values can overflow Int64.
public enum FieldBounds {
    /// Unix seconds up to 9999-12-31T23:59:59Z (what ISO-8601 can print).
    public static let timestamp: ClosedRange<Int64> = 0...253_402_300_799
    /// Durations and waits: up to ten years of seconds.
    public static let seconds: ClosedRange<Int64> = 0...315_360_000
    /// Attempts and max_attempts.
    public static let attempts: ClosedRange<Int64> = 0...1_000_000

    /// The range of a `call_details` field (event timestamps use `timestamp`).
    public static func range(of field: String) -> ClosedRange<Int64> {
        switch field {
        case "attempts", "max_attempts": attempts
        case "duration", "reattempt_wait": seconds
        default: timestamp
        }
    }

    /// The most characters a text field keeps (a status, an event's name, a
    /// phone number, the API's error message): ample for real values, and
    /// small enough that a hostile 5 MB status cannot flood every report
    /// and message. A longer value is cut here and marked; the body is
    /// still archived whole.
    public static let textCharacters = 256

    /// `text`, or its first `textCharacters` characters and a marker.
    public static func text(_ text: String) -> String {
        guard text.utf8.count > textCharacters, text.count > textCharacters else { return text }
        return text.prefix(textCharacters) + "…[cut: \(text.utf8.count) bytes]"
    }
}
