/// Writes a call's status body the way Plum's documentation shows it, quirks
/// included: most integers as strings, `duration` and event timestamps as
/// integers, the phone number in single quotes, empty schedule fields.
enum CallRenderer {
    static func json(_ call: SimulatedCall, _ s: SimulatedCall.State) -> String {
        var out = "{\"call_details\":{"
        out += "\"max_attempts\":\"\(call.maxAttempts)\",\"attempts\":\"\(s.attempts)\",\"events\":["
        out += s.events.map { "{\"event\":\"\($0.event)\",\"timestamp\":\($0.timestamp)}" }.joined(separator: ",")
        out += "],\"phone_number\":\"'\(call.phoneNumber)'\",\"status\":\"\(s.status)\""
        out += ",\"queued_timestamp\":\"\(call.queuedTimestamp)\""
        out += ",\"start_timestamp\":\"\(s.startTimestamp.map(String.init) ?? "")\""
        out += ",\"end_timestamp\":\"\(s.endTimestamp.map(String.init) ?? "")\""
        if let last = s.lastAttemptTimestamp { out += ",\"last_attempt_timestamp\":\"\(last)\"" }
        out += ",\"reattempt_wait\":\"\(call.reattemptWait)\""
        out += ",\"duration\":\(s.duration.map(String.init) ?? "null")"
        if let extra = call.extraField { out += ",\"\(extra.name)\":\"\(extra.value)\"" }
        out += "}}"
        return out
    }

    static func xml(_ call: SimulatedCall, _ s: SimulatedCall.State) -> String {
        var out = "<?xml version=\"1.0\"?>\n<result><call_details>"
        out += "<max_attempts>\(call.maxAttempts)</max_attempts><attempts>\(s.attempts)</attempts><events>"
        out += s.events.map { "<item><event>\($0.event)</event><timestamp>\($0.timestamp)</timestamp></item>" }.joined()
        out += "</events><phone_number>'\(call.phoneNumber)'</phone_number><status>\(s.status)</status>"
        out += "<queued_timestamp>\(call.queuedTimestamp)</queued_timestamp>"
        out += "<start_timestamp>\(s.startTimestamp.map(String.init) ?? "")</start_timestamp>"
        out += "<end_timestamp>\(s.endTimestamp.map(String.init) ?? "")</end_timestamp>"
        if let last = s.lastAttemptTimestamp { out += "<last_attempt_timestamp>\(last)</last_attempt_timestamp>" }
        out += "<reattempt_wait>\(call.reattemptWait)</reattempt_wait>"
        out += s.duration.map { "<duration>\($0)</duration>" } ?? "<duration/>"
        if let extra = call.extraField { out += "<\(extra.name)>\(extra.value)</\(extra.name)>" }
        out += "</call_details></result>\n"
        return out
    }

    static func error(_ message: String, xml: Bool) -> String {
        xml ? "<?xml version=\"1.0\"?>\n<result>\n  <error>\(message)</error>\n</result>\n" : "{\"error\":\"\(message)\"}"
    }
}
