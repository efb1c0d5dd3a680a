import FuseAPI

/// `import` of `export calls --format csv`, in the shape this callhist
/// writes (ISO 8601 times with their offset, a `label_NAME` column per
/// label) and in the one earlier releases wrote (unix times, `labels` one
/// JSON object): each row becomes the NDJSON record `import` reads, so it is
/// checked and stored exactly like one (docs/schema.md, "Exports"). A CSV
/// row holds a call's fields, not its events nor the body the API sent:
/// NDJSON is the export that keeps everything.
package struct CSVCallRecords {
    /// The columns the record is built from; the archive's own bookkeeping
    /// (first_seen_at, next_check_at…) is the importing archive's.
    static let numbers: Set<String> = ["attempts", "max_attempts", "reattempt_wait", "duration"]
    static let times: Set<String> = ["queued_timestamp", "start_timestamp", "end_timestamp", "last_attempt_timestamp"]
    static let texts: Set<String> = ["status", "phone_number"]

    let header: [String]

    /// Whether a file's first line is a calls CSV header.
    package static func isHeader(_ line: [UInt8]) -> Bool { line.starts(with: Array("call_id,".utf8)) }

    package init(header line: [UInt8]) throws {
        guard let header = Self.fields(line), header.first == "call_id", header.contains("status") else {
            throw InputError("the header is not that of `callhist export calls --format csv` (call_id, status, …)")
        }
        self.header = header
    }

    /// The NDJSON record of one row (`fields` as `fields(_:)` split them).
    package func record(_ fields: [String]) throws -> [UInt8] {
        guard fields.count == header.count else {
            throw InputError("the row has \(fields.count) fields, the header \(header.count)")
        }
        var id = ""
        var details: [String] = []
        var labels: [String] = []
        var labelsObject: String?
        for (column, raw) in zip(header, fields) {
            let value = Self.unneutralised(raw)
            switch column {
            case "call_id": id = value
            case _ where Self.texts.contains(column):
                if !value.isEmpty { details.append("\"\(column)\":\(Exporter.jsonString(value))") }
            case _ where Self.numbers.contains(column):
                guard !value.isEmpty else { continue }
                // A number stays a number; anything else goes as the text it
                // is, and the decoder says what is wrong with it.
                details.append("\"\(column)\":" + (SafeText.isPlainNumber(value) ? value : Exporter.jsonString(value)))
            case _ where Self.times.contains(column):
                guard !value.isEmpty else { continue }
                if SafeText.isPlainNumber(value) {
                    details.append("\"\(column)\":\(value)")
                } else if let unix = ISOTime.parse(Substring(value)) {
                    details.append("\"\(column)\":\(unix)")
                } else {
                    throw InputError("\(column) \(value.debugDescription) is neither unix seconds nor an ISO 8601 time with its offset")
                }
            case "success":
                switch value.lowercased() {
                case "": continue
                case "1", "true": details.append("\"success\":true")
                case "0", "false": details.append("\"success\":false")
                default: throw InputError("success \(value.debugDescription) is not 1, 0, true or false")
                }
            case "labels":
                if !value.isEmpty { labelsObject = value }
            case _ where column.hasPrefix("label_"):
                if !value.isEmpty { labels.append("\(Exporter.jsonString(String(column.dropFirst(6)))):\(Exporter.jsonString(value))") }
            default: continue
            }
        }
        let labelText = labelsObject ?? "{" + labels.joined(separator: ",") + "}"
        return Array(
            "{\"call_id\":\(Exporter.jsonString(id)),\"call_details\":{\(details.joined(separator: ","))},\"labels\":\(labelText)}".utf8)
    }

    /// A cell the export neutralised against formulas (`SafeText.csvField`:
    /// `'=cmd`) as it was.
    static func unneutralised(_ s: String) -> String {
        guard s.hasPrefix("'"), let second = s.unicodeScalars.dropFirst().first, "=+-@\t\r".unicodeScalars.contains(second) else { return s }
        return String(s.dropFirst())
    }

    /// The fields of one RFC 4180 record (`IDFileReader.csvFields`, which
    /// ids files use too); nil while a quoted field is still open — an odd
    /// number of quotes so far, as quotes inside a quoted field come in
    /// pairs — and the record goes on on the next line.
    package static func fields(_ bytes: [UInt8]) -> [String]? {
        guard bytes.count { $0 == UInt8(ascii: "\"") } % 2 == 0 else { return nil }
        return IDFileReader.csvFields(bytes[...], delimiter: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) }
    }
}
