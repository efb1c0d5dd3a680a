/// Bodies a real server can send after a bug (docs/reliability.md): what
/// `--hostile-rate` serves. Each kind keeps the call's real status, so an
/// archive of hostile bodies still converges; the kind of a call is fixed
/// by its id, so two mocks with the same options serve the same bytes.
public enum HostileBody: Int, CaseIterable, Sendable {
    /// Numbers at and past Int64's edges, as strings and as numbers.
    case int64Edges
    /// Floats where integers go, and numbers no integer can hold.
    case floatsForInts
    /// Control and escape characters in every string (an OSC 52 clipboard write among them).
    case controlCharacters
    /// Text a spreadsheet would run as a formula.
    case formulaText
    /// Duplicate keys, in call_details and around it.
    case duplicateKeys
    /// Bytes that are not UTF-8.
    case notUTF8
    /// Nesting just inside the depth a reader must accept.
    case deepNesting

    /// The JSON body of `call` at `state`, made hostile in this kind's way.
    func render(_ call: SimulatedCall, _ s: SimulatedCall.State) -> [UInt8] {
        func events(_ name: (String) -> String = { $0 }, _ ts: (Int64) -> String = { String($0) }) -> String {
            s.events.map { "{\"event\":\"\(name($0.event))\",\"timestamp\":\(ts($0.timestamp))}" }.joined(separator: ",")
        }
        let status = "\"status\":\"\(s.status)\""
        let text: String
        switch self {
        case .int64Edges:
            text = """
                {"call_details":{\(status),"attempts":"-9223372036854775808","max_attempts":9223372036854775807,\
                "queued_timestamp":"\(call.queuedTimestamp)","start_timestamp":"-9000000000000000000","end_timestamp":"9000000000000000000",\
                "duration":"9223372036854775807","reattempt_wait":-1,"phone_number":"'\(call.phoneNumber)'",\
                "events":[\((s.events.isEmpty ? "" : events() + ",") + #"{"event":"edge","timestamp":"-9000000000000000000"},{"event":"edge","timestamp":"9000000000000000000"}"#)]}}
                """
        case .floatsForInts:
            text = """
                {"call_details":{\(status),"attempts":1.5e300,"max_attempts":"1e400","queued_timestamp":\(call.queuedTimestamp).0,\
                "duration":2.5,"reattempt_wait":"99999999999999999999","start_timestamp":-0.0,"end_timestamp":1e-300,\
                "phone_number":"'\(call.phoneNumber)'","events":[\(events({ $0 }, { "\($0).0" }))]}}
                """
        case .controlCharacters:
            text = """
                {"call_details":{\(status),"attempts":"\(s.attempts)","max_attempts":"\(call.maxAttempts)","queued_timestamp":"\(call.queuedTimestamp)",\
                "phone_number":"'\(call.phoneNumber)\\u001b[2J'","note":"\\u0000\\u0008\\u007f\\u0085\\u202e\\u001b]52;c;aGk=\\u0007",\
                "events":[\(events({ $0 + "\\u001b]52;c;aGk=\\u0007" }))]}}
                """
        case .formulaText:
            text = """
                {"call_details":{\(status),"attempts":"\(s.attempts)","max_attempts":"\(call.maxAttempts)","queued_timestamp":"\(call.queuedTimestamp)",\
                "phone_number":"=HYPERLINK(\\"http://example.invalid\\",\\"x\\")","note":"@SUM(1+1)*cmd|' /C calc'!A0",\
                "events":[\(events({ "+" + $0 + "-1" }))]}}
                """
        case .duplicateKeys:
            text = """
                {"call_details":{\(status),"status":"queued","attempts":"\(s.attempts)","attempts":"99","max_attempts":"\(call.maxAttempts)",\
                "queued_timestamp":"\(call.queuedTimestamp)","queued_timestamp":"1","phone_number":"'\(call.phoneNumber)'",\
                "events":[\(events())],"events":[]},"call_details":{"status":"failed"}}
                """
        case .notUTF8:
            // 0xFF never occurs in UTF-8; 0xC3 0x28 is a broken two-byte sequence.
            let bytes = Array(
                """
                {"call_details":{\(status),"attempts":"\(s.attempts)","max_attempts":"\(call.maxAttempts)","queued_timestamp":"\(call.queuedTimestamp)",\
                "phone_number":"'\(call.phoneNumber)'","note":"\u{1}","events":[\(events())]}}
                """.utf8)
            return bytes.flatMap { $0 == 0x01 ? [0xFF, 0xFE, 0xC3, 0x28] : [$0] }
        case .deepNesting:
            let depth = 58
            text = """
                {"call_details":{\(status),"attempts":"\(s.attempts)","max_attempts":"\(call.maxAttempts)","queued_timestamp":"\(call.queuedTimestamp)",\
                "phone_number":"'\(call.phoneNumber)'","nested":\(String(repeating: "[", count: depth))1\(String(repeating: "]", count: depth)),\
                "events":[\(events())]}}
                """
        }
        return Array(text.utf8)
    }
}
