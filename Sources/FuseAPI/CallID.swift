/// What could be a Fuse call id (README.md, "Archive your calls"). Ids come from the queue and
/// bulk_queue APIs, so anything that could not be one is refused before any
/// request: a typo found at the start costs nothing.
public enum CallID {
    public static let maxBytes = 128

    /// nil when `id` is acceptable, else why not.
    public static func problem(with id: String) -> String? {
        if id.isEmpty { return "the id is empty" }
        if id.utf8.count > maxBytes { return "the id is \(id.utf8.count) bytes long (at most \(maxBytes))" }
        if id == "." || id == ".." { return "\"\(id)\" is not a call id" }
        for scalar in id.unicodeScalars {
            switch scalar {
            case "/", "?", "#", "%": return "the id contains \"\(scalar)\", which no call id has"
            case _ where scalar.properties.isWhitespace: return "the id contains white space"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value):
                return "the id contains a control character (U+\(String(scalar.value, radix: 16, uppercase: true)))"
            case "\u{FFFD}": return "the id is not valid UTF-8"
            case _ where scalar.properties.generalCategory == .format:
                // U+FEFF (a BOM) inside a line, zero-width spaces, direction marks: copy-paste debris.
                return "the id contains an invisible formatting character (U+\(String(scalar.value, radix: 16, uppercase: true)))"
            default: continue
            }
        }
        return nil
    }
}
