/// A body turned into plain data, whichever format it came in: the one shape
/// the field rules of `StatusDecoder` read. Numbers keep their literal text so
/// that "1", 1 and 1.0 are all read by the same rule.
enum LooseValue: Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([LooseValue])
    case object([String: LooseValue])

    subscript(key: String) -> LooseValue? {
        if case .object(let dict) = self { return dict[key] }
        return nil
    }

    /// A short rendering for error messages.
    var preview: String {
        switch self {
        case .null: "null"
        case .bool(let b): String(b)
        case .number(let n): n
        case .string(let s): "\"\(s.prefix(40))\""
        case .array: "a list"
        case .object: "an object"
        }
    }
}
