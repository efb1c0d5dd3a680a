import Foundation

/// The stable machine-readable output: snake_case keys, numbers as numbers,
/// `null` where a value is undefined. A report's objects are
/// `JSONObject`s, whose keys keep the order they are written in — the order
/// of the report's CSV columns (docs/reports.md, "One naming"); maps whose
/// keys are data (`by_status`) are `[String: Any]`, written in sorted order.
package enum JSONOutput {
    /// `value` as JSON, then `terminator`.
    package static func string(_ value: Any, terminator: String = "") -> String {
        // Bytes, then one String: appending to a String checks its storage
        // each time, a quarter of the time of a large report's JSON.
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(value, to: &out)
        out += terminator.utf8
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ value: Any, to out: inout [UInt8]) {
        switch value {
        // Leaves first: most values are, and a cast to a collection that
        // fails costs a conformance lookup (a third of `report anomalies
        // --format json`'s time on 80,000 findings).
        case let v as String: appendString(v, to: &out)
        case is Int, is Int64, is Double, is Bool, is NSNull: out += leaf(value).utf8
        case let object as JSONObject:
            out.append(UInt8(ascii: "{"))
            for (i, (key, v)) in object.pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(v, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let map as [String: Any]:
            out.append(UInt8(ascii: "{"))
            for (i, key) in map.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(map[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let list as [Any]:
            out.append(UInt8(ascii: "["))
            for (i, v) in list.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(v, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        default:
            out += leaf(value).utf8
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
        case let v as String: return string(v)
        default: break
        }
        return serializedLeaf(value)
    }

    /// A string leaf: plain text as it is, anything to escape by JSONSerialization.
    private static func string(_ v: String) -> String {
        isPlain(v) ? "\"" + v + "\"" : serializedLeaf(v)
    }

    /// `string(v)` appended in place, without the intermediate strings.
    private static func appendString(_ v: String, to out: inout [UInt8]) {
        guard isPlain(v) else {
            out += serializedLeaf(v).utf8
            return
        }
        out.append(UInt8(ascii: "\""))
        out += v.utf8
        out.append(UInt8(ascii: "\""))
    }

    /// Nothing JSON escapes: no control character, quote or backslash.
    private static func isPlain(_ v: String) -> Bool {
        var v = v
        return v.withUTF8 { bytes in bytes.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") } }
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
