/// Reads status bodies (JSON or XML) into `CallStatus`, and error bodies
/// (`{"error": …}`, `<result><error>…`) into their message.
///
/// Both formats are first turned into the same `LooseValue` shape, so the
/// field rules (docs/schema.md, docs/reliability.md) live in one place.
public enum StatusDecoder {
    /// Decodes a 200 body. `format` is what was asked for; a body that is
    /// plainly the other format (by its first byte) is read as that one.
    public static func decode(_ body: [UInt8], format: BodyFormat) throws(StatusDecodingError) -> CallStatus {
        let actual = sniff(body) ?? format
        let root = try parse(body, actual)
        guard let details = root["call_details"] else {
            if case .string(let message)? = root["error"] {
                throw StatusDecodingError("the body is an error, not a call: \(message)", body: body)
            }
            if case .object = root {
                throw StatusDecodingError("no call_details in the body", body: body)
            }
            throw StatusDecodingError("the body is not an object", body: body)
        }
        guard case .object(let fields) = details else {
            throw StatusDecodingError("call_details is not an object", body: body)
        }
        var status = try map(fields, body: body)
        status.body = body
        status.format = actual
        return status
    }

    /// Decodes one saved record, `{"call_id": "…", "call_details": {…}}` (the
    /// status body with its id, as `callhist import` reads and `export` writes).
    /// The record itself is kept as the body.
    public static func decodeRecord(_ line: [UInt8]) throws(StatusDecodingError) -> (
        callID: String, status: CallStatus, labels: [(name: String, value: String)]
    ) {
        let root = try JSONReader.parse(line)
        guard case .object = root else { throw StatusDecodingError("the line is not a JSON object", body: line) }
        let callID: String
        switch root["call_id"] {
        case .string(let s)?: callID = s
        case .number(let n)?: callID = n
        case nil: throw StatusDecodingError("the record has no call_id", body: line)
        case let other?: throw StatusDecodingError("call_id is \(other.preview), not a string", body: line)
        }
        guard let details = root["call_details"] else { throw StatusDecodingError("the record has no call_details", body: line) }
        guard case .object(let fields) = details else { throw StatusDecodingError("call_details is not an object", body: line) }
        var status = try map(fields, body: line)
        status.body = line
        status.format = .json
        return (callID, status, try recordLabels(root["labels"], body: line))
    }

    /// A record's `"labels"` (callhist's export: `{"campaign": "spring"}`, a
    /// name with several values as an array of strings), in name order.
    static func recordLabels(_ value: LooseValue?, body: [UInt8]) throws(StatusDecodingError) -> [(name: String, value: String)] {
        guard let value, value != .null else { return [] }
        guard case .object(let fields) = value else { throw StatusDecodingError("labels is \(value.preview), not an object", body: body) }
        var labels: [(name: String, value: String)] = []
        for name in fields.keys.sorted() {
            switch fields[name]! {
            case .string(let v): labels.append((name, v))
            case .null: continue
            case .array(let items):
                for item in items {
                    guard case .string(let v) = item else {
                        throw StatusDecodingError("label \(name) holds \(item.preview), not a string", body: body)
                    }
                    labels.append((name, v))
                }
            case let other: throw StatusDecodingError("label \(name) is \(other.preview), not a string", body: body)
            }
        }
        return labels
    }

    /// The message of an error body, or nil when the body is not one.
    public static func errorMessage(_ body: [UInt8]) -> String? {
        guard let format = sniff(body), let root = try? parse(body, format), let message = root["error"] else { return nil }
        if case .string(let text) = message { return FieldBounds.text(text) }
        return message.preview
    }

    static func sniff(_ body: [UInt8]) -> BodyFormat? {
        for b in body {
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF: continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): return .json
            case UInt8(ascii: "<"): return .xml
            default: return nil
            }
        }
        return nil
    }

    private static func parse(_ body: [UInt8], _ format: BodyFormat) throws(StatusDecodingError) -> LooseValue {
        switch format {
        case .json:
            return try JSONReader.parse(body)
        case .xml:
            let tree = try XMLTree(bytes: body)
            guard tree.root.name == "result" else {
                throw StatusDecodingError("the XML root is <\(tree.root.name)>, expected <result>", body: body)
            }
            return loose(tree.root)
        }
    }

    /// `<result><call_details>…` becomes an object of objects; every child
    /// of `<events>` (Fuse uses `<item>`) becomes one element of a list.
    private static func loose(_ element: XMLTree.Element) -> LooseValue {
        if element.name == "events" { return .array(element.children.map(loose)) }
        if element.children.isEmpty { return .string(element.text) }
        var dict: [String: LooseValue] = [:]
        for child in element.children where dict[child.name] == nil { dict[child.name] = loose(child) }
        return .object(dict)
    }

    private static func map(_ f: [String: LooseValue], body: [UInt8]) throws(StatusDecodingError) -> CallStatus {
        // A number outside its sane range, or not a whole number, is refused:
        // NULL in `calls`, named in `last_error`, the body kept as it came.
        var refused: [String] = []
        func int(_ value: LooseValue?, _ name: String, _ range: ClosedRange<Int64>) -> Int64? {
            guard let value else { return nil }
            switch looseInt(value, in: range) {
            case .absent: return nil
            case .value(let n): return n
            case .refused:
                refused.append("\(name) \(value.preview)")
                return nil
            }
        }
        func int(_ key: String) -> Int64? { int(f[key], key, FieldBounds.range(of: key)) }
        guard case .string(let rawStatus)? = f["status"], case let status = FieldBounds.text(trimmed(rawStatus)), !status.isEmpty else {
            throw StatusDecodingError("call_details has no status", body: body)
        }
        var events: [CallStatus.Event] = []
        switch f["events"] {
        case nil, .null?: break
        case .string(let s)? where trimmed(s).isEmpty: break
        case .array(let list)?:
            events.reserveCapacity(list.count)
            for (index, item) in list.enumerated() {
                guard case .object(let e) = item else {
                    throw StatusDecodingError("events[\(index)] is not an object", body: body)
                }
                let name: String =
                    switch e["event"] {
                    case .string(let s)?: s
                    case nil, .null?: ""
                    case let other?: other.preview
                    }
                let timestamp = int(e["timestamp"], "events[\(index)].timestamp", FieldBounds.timestamp)
                events.append(CallStatus.Event(event: FieldBounds.text(name), timestamp: timestamp))
            }
        default:
            throw StatusDecodingError("events is not a list", body: body)
        }
        var phone: String?
        switch f["phone_number"] {
        case .string(let s)?, .number(let s)?:
            var text = trimmed(s)
            if text.utf8.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") { text = String(text.dropFirst().dropLast()) }
            phone = text.isEmpty ? nil : FieldBounds.text(text)
        default: phone = nil
        }
        var call = CallStatus(
            status: status,
            attempts: int("attempts"), maxAttempts: int("max_attempts"),
            queuedTimestamp: int("queued_timestamp"), startTimestamp: int("start_timestamp"),
            endTimestamp: int("end_timestamp"), lastAttemptTimestamp: int("last_attempt_timestamp"),
            reattemptWait: int("reattempt_wait"), duration: int("duration"),
            phoneNumber: phone, success: f["success"].flatMap(looseBool), events: events
        )
        call.refusedFields = refused
        return call
    }

    enum LooseInt: Equatable {
        /// Absent: `""`, `"null"` or null.
        case absent
        case value(Int64)
        /// Not a whole number, or outside the field's range.
        case refused
    }

    /// An integer from an int, a numeric string (`"3"`, `"3.0"`, `"3e2"`), `""`
    /// or null, within `range`. Anything else is refused, never trapped on.
    static func looseInt(_ value: LooseValue, in range: ClosedRange<Int64>) -> LooseInt {
        let text: String
        switch value {
        case .null: return .absent
        case .number(let n): text = n
        case .string(let s):
            text = trimmed(s)
            if text.isEmpty || text == "null" { return .absent }
        default: return .refused
        }
        if let n = Int64(text) { return range.contains(n) ? .value(n) : .refused }
        // A whole number written as a float; bounded before it is converted.
        guard let d = Double(text), d.isFinite, d == d.rounded(.towardZero),
            d >= Double(range.lowerBound), d <= Double(range.upperBound)
        else { return .refused }
        return .value(Int64(d))
    }

    static func looseBool(_ value: LooseValue) -> Bool? {
        switch value {
        case .bool(let b): return b
        case .number(let n): return Double(n).map { $0 != 0 }
        case .string(let s):
            switch trimmed(s).lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// Trims ASCII white space without Foundation (this runs for every field).
    static func trimmed(_ s: String) -> String {
        let utf8 = s.utf8
        guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else { return s }
        let start = utf8.firstIndex { !isSpace($0) } ?? utf8.endIndex
        guard start != utf8.endIndex else { return "" }
        let end = utf8.lastIndex { !isSpace($0) }!
        return String(s[start...end])
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
}
