import Foundation

/// `callhist export`: calls, events or snapshots as CSV (RFC 4180, a header,
/// a stable column order) or NDJSON, streamed row by row. Calls carry their
/// labels (`labels`: a JSON object).
/// `export calls --format ndjson` writes exactly what `import` reads.
public enum Exporter {
    public enum Table: String, CaseIterable, Sendable { case calls, events, snapshots }
    public enum Format: String, CaseIterable, Sendable { case csv, ndjson }

    public static let callColumns = [
        "call_id", "status", "phone_number", "attempts", "max_attempts", "queued_timestamp", "start_timestamp", "end_timestamp",
        "last_attempt_timestamp", "reattempt_wait", "duration", "success", "is_final", "is_stale", "first_seen_at",
        "last_fetched_at", "last_success_at", "next_check_at", "last_outcome", "last_http_code", "last_error", "labels",
    ]
    public static let eventColumns = ["call_id", "seq", "event", "timestamp"]
    public static let snapshotColumns = ["snapshot_id", "call_id", "body_sha256", "format", "first_seen_at", "last_seen_at", "times_seen", "body"]

    /// A JSON string literal, escaped as SQLite's `json_quote` writes it.
    package static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
