import Foundation

/// Reads status bodies (JSON or XML) into `CallStatus`, and error bodies
/// (`{"error": …}`, `<result><error>…`) into their message.
///
/// Both formats are first turned into the same loose shape (dictionaries,
/// arrays, strings, numbers) so the field rules live in one place.
public enum StatusDecoder {
    /// Decodes a 200 body. `format` is what was asked for; a body that is
    /// plainly the other format (by its first byte) is read as that one.
    public static func decode(_ body: [UInt8], format: BodyFormat) throws(StatusDecodingError) -> CallStatus {
        let actual = sniff(body) ?? format
        let root: [String: Any]
        switch actual {
        case .json: root = try jsonObject(body)
        case .xml: root = try xmlObject(body)
        }
        guard let details = root["call_details"] else {
            if let message = root["error"] as? String {
                throw StatusDecodingError("the body is an error, not a call: \(message)", body: body)
            }
            throw StatusDecodingError("no call_details in the body", body: body)
        }
        guard let fields = details as? [String: Any] else {
            throw StatusDecodingError("call_details is not an object", body: body)
        }
        var status = try map(fields, body: body)
        status.body = body
        status.format = actual
        return status
    }

    /// The message of an error body, or nil when the body is not one.
    public static func errorMessage(_ body: [UInt8]) -> String? {
        let root: [String: Any]? = switch sniff(body) {
        case .json: try? jsonObject(body)
        case .xml: try? xmlObject(body)
        case nil: nil
        }
        guard let message = root?["error"] else { return nil }
        return (message as? String) ?? "\(message)"
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

    private static func jsonObject(_ body: [UInt8]) throws(StatusDecodingError) -> [String: Any] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(body), options: [])
        } catch {
            throw StatusDecodingError("not valid JSON", body: body)
        }
        guard let dict = object as? [String: Any] else { throw StatusDecodingError("the JSON body is not an object", body: body) }
        return dict
    }

    /// `<result><call_details>…` becomes `["call_details": [...]]`; each
    /// `<item>` inside `<events>` becomes one element of an array.
    private static func xmlObject(_ body: [UInt8]) throws(StatusDecodingError) -> [String: Any] {
        let tree = try XMLTree(bytes: body)
        guard tree.root.name == "result" else {
            throw StatusDecodingError("the XML root is <\(tree.root.name)>, expected <result>", body: body)
        }
        return loose(tree.root) as? [String: Any] ?? [:]
    }

    private static func loose(_ element: XMLTree.Element) -> Any {
        if element.children.isEmpty { return element.text }
        if element.name == "events" { return element.children.map(loose) }
        var dict: [String: Any] = [:]
        for child in element.children where dict[child.name] == nil { dict[child.name] = loose(child) }
        return dict
    }

    private static func map(_ f: [String: Any], body: [UInt8]) throws(StatusDecodingError) -> CallStatus {
        func int(_ key: String) throws(StatusDecodingError) -> Int64? {
            guard let value = f[key] else { return nil }
            guard let n = looseInt(value) else {
                throw StatusDecodingError("\(key) is not a number: \(String(describing: value).prefix(40))", body: body)
            }
            return n
        }
        guard let statusValue = f["status"], let status = (statusValue as? String)?.trimmingCharacters(in: .whitespaces), !status.isEmpty else {
            throw StatusDecodingError("call_details has no status", body: body)
        }
        var events: [CallStatus.Event] = []
        switch f["events"] {
        case nil, is NSNull: break
        case let s as String where s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty: break
        case let list as [Any]:
            for (index, item) in list.enumerated() {
                guard let e = item as? [String: Any] else {
                    throw StatusDecodingError("events[\(index)] is not an object", body: body)
                }
                let name = (e["event"] as? String) ?? e["event"].map { "\($0)" } ?? ""
                guard let ts = e["timestamp"].map(looseInt) else {
                    events.append(CallStatus.Event(event: name, timestamp: nil))
                    continue
                }
                guard let ts else { throw StatusDecodingError("events[\(index)].timestamp is not a number", body: body) }
                events.append(CallStatus.Event(event: name, timestamp: ts))
            }
        default:
            throw StatusDecodingError("events is not a list", body: body)
        }
        var phone: String?
        if let raw = f["phone_number"], !(raw is NSNull) {
            var text = ((raw as? String) ?? "\(raw)").trimmingCharacters(in: .whitespaces)
            if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") { text = String(text.dropFirst().dropLast()) }
            phone = text.isEmpty ? nil : text
        }
        return CallStatus(
            status: status,
            attempts: try int("attempts"), maxAttempts: try int("max_attempts"),
            queuedTimestamp: try int("queued_timestamp"), startTimestamp: try int("start_timestamp"),
            endTimestamp: try int("end_timestamp"), lastAttemptTimestamp: try int("last_attempt_timestamp"),
            reattemptWait: try int("reattempt_wait"), duration: try int("duration"),
            phoneNumber: phone, success: f["success"].flatMap(looseBool), events: events
        )
    }

    /// An integer from an int, a numeric string, `""` or null. Returns
    /// `.some(nil)` for "no value" and nil when the value is not a number.
    static func looseInt(_ value: Any) -> Int64?? {
        switch value {
        case is NSNull: return .some(nil)
        case let s as String:
            let t = s.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t == "null" { return .some(nil) }
            if let n = Int64(t) { return n }
            if let d = Double(t), d.isFinite, d.rounded(.towardZero) == d, abs(d) < 9e15 { return Int64(d) }
            return nil
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { return nil }  // JSON true/false arrive as char-typed NSNumbers
            let d = n.doubleValue
            guard d.isFinite, abs(d) < 9.2e18 else { return nil }
            if d.rounded(.towardZero) == d { return n.int64Value }
            return Int64(d.rounded(.towardZero))  // a fractional value keeps its whole seconds
        default: return nil
        }
    }

    static func looseBool(_ value: Any) -> Bool? {
        switch value {
        case let n as NSNumber: return n.boolValue
        case let s as String:
            switch s.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: return nil
            }
        default: return nil
        }
    }
}
