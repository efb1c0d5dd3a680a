import Foundation

/// The stable machine-readable output: snake_case keys in sorted order,
/// numbers as numbers, `null` where a value is undefined.
enum JSONOutput {
    static func string(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// An optional as a JSON value (`NSNull` for nil).
    static func orNull(_ v: Any?) -> Any { v ?? NSNull() }
}
