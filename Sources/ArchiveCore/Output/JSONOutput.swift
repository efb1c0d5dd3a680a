import Foundation

/// The stable machine-readable output: snake_case keys, numbers as numbers,
/// `null` where a value is undefined. A report's objects are
/// `JSONObject`s, whose keys keep the order they are written in — the order
/// of the report's CSV columns (docs/reports.md, "One naming"); maps whose
/// keys are data (`by_status`) are `[String: Any]`, written in sorted order.
package enum JSONOutput {
    package static func string(_ value: Any) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    private static func write(_ value: Any, to out: inout String) {
        switch value {
        case let object as JSONObject:
            out += "{"
            for (i, (key, v)) in object.pairs.enumerated() {
                if i > 0 { out += "," }
                out += leaf(key) + ":"
                write(v, to: &out)
            }
            out += "}"
        case let map as [String: Any]:
            out += "{"
            for (i, key) in map.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                out += leaf(key) + ":"
                write(map[key]!, to: &out)
            }
            out += "}"
        case let list as [Any]:
            out += "["
            for (i, v) in list.enumerated() {
                if i > 0 { out += "," }
                write(v, to: &out)
            }
            out += "]"
        default:
            out += leaf(value)
        }
    }

    /// A string, number, Bool or null, as JSONSerialization writes it. The
    /// common leaves are written here — JSONSerialization costs a few
    /// microseconds a call, and a report of a year by the hour has hundreds
    /// of thousands of them; `JSONOutputTests` checks the two agree.
    package static func leaf(_ value: Any) -> String {
        switch value {
        case let v as Int: return String(v)
        case let v as Int64: return String(v)
        case let v as Bool: return v ? "true" : "false"
        case is NSNull: return "null"
        case let v as Double:
            // Whole values print without a fraction, others in their shortest
            // form; exponents and non-finite values are left to JSONSerialization.
            let size = abs(v)
            if v.isFinite && size < 1e15 && v == v.rounded() && !(v == 0 && v.sign == .minus) { return String(Int64(v)) }
            if v.isFinite && size >= 1e-4 && size < 1e15 { return v.description }
        case let v as String:
            if v.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }) { return "\"" + v + "\"" }
        default: break
        }
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// `leaf` as JSONSerialization alone writes it (for the test that they agree).
    package static func serializedLeaf(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// An optional as a JSON value (`NSNull` for nil).
    package static func orNull(_ v: Any?) -> Any { v ?? NSNull() }
}

/// A JSON object whose keys keep their order.
package struct JSONObject: ExpressibleByDictionaryLiteral {
    package var pairs: [(String, Any)]
    package init(_ pairs: [(String, Any)]) { self.pairs = pairs }
    package init(dictionaryLiteral elements: (String, Any)...) { pairs = elements }
}
