import Foundation

/// `callhist export`: calls, events or snapshots as CSV (RFC 4180, a header,
/// a stable column order; times ISO 8601 and a column per label name:
/// `CSVExport`) or NDJSON (unix times, labels a JSON object), streamed row
/// by row. `import` reads back `export calls` in both formats.
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

    /// A call's labels from `name:hex(value)` pairs joined by commas (how
    /// both backends' SQL hands them over: names are lower_snake_case, so
    /// only values need an encoding), in the order given.
    package static func labelList(_ list: String?) -> [(name: String, value: String)] {
        guard let list, !list.isEmpty else { return [] }
        return list.split(separator: ",").map { pair in
            let parts = pair.split(separator: ":", maxSplits: 1)
            let hex: [UInt8] = parts.count > 1 ? Array(parts[1].utf8) : []
            var bytes: [UInt8] = []
            bytes.reserveCapacity(hex.count / 2)
            var k = 0
            while k + 1 < hex.count {
                bytes.append(UInt8(String(decoding: hex[k...k + 1], as: UTF8.self), radix: 16) ?? 0)
                k += 2
            }
            return (String(parts[0]), String(decoding: bytes, as: UTF8.self))
        }
    }

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
