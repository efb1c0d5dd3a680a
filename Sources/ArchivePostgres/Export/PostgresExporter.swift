import ArchiveCore
import Foundation
import Postgres

/// `callhist export` from a PostgreSQL archive: the same columns, order and
/// bytes as `Exporter` writes from SQLite (docs/postgresql.md, "Same
/// answers"). Rows come through a cursor in one snapshot; what SQLite
/// builds with its JSON functions is built by `SQLiteJSON`.
package struct PostgresExporter {
    package let db: PostgresConnection

    /// A call's labels as `name:hex(value)` pairs in (name, value) order:
    /// names are lower_snake_case, so only values need an encoding.
    package static let labelList = """
        (SELECT string_agg(l.name || ':' || encode(convert_to(l.value, 'UTF8'), 'hex'), ',' ORDER BY l.name, l.value)
         FROM call_labels l WHERE l.call_id = c.call_id)
        """

    package func export(_ table: Exporter.Table, format: Exporter.Format, filter: CallFilter, zone: TimeZone?, to sink: OutputSink) throws -> Int {
        var q = PostgresQuery()
        let w = q.filter(filter)
        var rows = 0
        var csv = CSVExport(zone: zone)
        switch (table, format) {
        case (.calls, .ndjson):
            let events = try db.prepare("SELECT event, timestamp FROM call_events WHERE call_id = $1 ORDER BY seq")
            try db.cursor(
                """
                SELECT c.call_id, c.status, c.attempts, c.max_attempts, c.phone_number, c.queued_timestamp, c.start_timestamp, c.end_timestamp,
                       c.last_attempt_timestamp, c.reattempt_wait, c.duration, c.success, s.format, s.body, \(Self.labelList)
                FROM calls c JOIN call_snapshots s ON s.snapshot_id = c.snapshot_id
                WHERE \(w) ORDER BY c.call_id
                """, q.values
            ) { r in
                rows += 1
                try sink.write(try Self.ndjsonLine(r, events: events) + "\n")
            }
        case (.calls, .csv):
            let names = try db.query(
                "SELECT DISTINCT l.name FROM call_labels l JOIN calls c ON c.call_id = l.call_id WHERE \(w) ORDER BY 1", q.values
            ).map { $0.string(0) }
            var csv = CSVExport(zone: zone)
            try sink.write(CSVExport.callsHeader(labelNames: names))
            let fields = CSVExport.callFields
            let selected = fields.map { "c.\($0)" }.joined(separator: ", ") + ", " + Self.labelList
            try db.cursor("SELECT \(selected) FROM calls c WHERE \(w) ORDER BY c.call_id", q.values) { r in
                rows += 1
                let labels = Exporter.labelList(r.optionalString(fields.count))
                try sink.write(csv.callRow(fields.indices.map { r.optionalString($0) }, labels: labels, labelNames: names))
            }
        case (.events, _):
            if format == .csv { try sink.write(Exporter.eventColumns.joined(separator: ",") + "\r\n") }
            try db.cursor(
                """
                SELECT e.call_id, e.seq, e.event, e.timestamp FROM call_events e JOIN calls c USING (call_id) WHERE \(w) ORDER BY e.call_id, e.seq
                """, q.values
            ) { r in
                rows += 1
                try sink.write(Self.line(format, Exporter.eventColumns, r, integers: [1, 3], csv: &csv, times: CSVExport.eventTimes))
            }
        case (.snapshots, _):
            if format == .csv { try sink.write(Exporter.snapshotColumns.joined(separator: ",") + "\r\n") }
            let columns = Exporter.snapshotColumns.map { "s.\($0)" }.joined(separator: ", ")
            try db.cursor(
                """
                SELECT \(columns) FROM call_snapshots s JOIN calls c USING (call_id) WHERE \(w) ORDER BY s.call_id, s.snapshot_id
                """, q.values
            ) { r in
                rows += 1
                try sink.write(
                    Self.line(format, Exporter.snapshotColumns, r, integers: [0, 4, 5, 6], bytes: 7, csv: &csv, times: CSVExport.snapshotTimes))
            }
        }
        try sink.flush()
        return rows
    }

    /// One CSV or NDJSON line; `integers` are JSON numbers, `bytes` a bytea
    /// column read as text, `times` written by `csv` in CSV.
    private static func line(
        _ format: Exporter.Format, _ columns: [String], _ r: PostgresRow, integers: Set<Int>, bytes: Int? = nil, csv: inout CSVExport,
        times: Set<String>
    ) -> String {
        let text = { (i: Int) -> String? in
            i == bytes ? r.bytes(i).map { String(decoding: $0, as: UTF8.self) } : r.optionalString(i)
        }
        if format == .csv { return csv.row(columns, columns.indices.map(text), times: times) }
        let members = columns.enumerated().map { i, name in
            "\"\(name)\":" + (text(i).map { integers.contains(i) ? $0 : Exporter.jsonString($0) } ?? "null")
        }
        return "{" + members.joined(separator: ",") + "}\n"
    }

    /// `export calls --format ndjson`'s line, as SQLite's `json_object` writes it.
    package static func ndjsonLine(_ r: PostgresRow, events: PostgresStatement) throws -> String {
        let id = r.string(0)
        var details: String?
        if r.string(12) == "json", let body = r.bytes(13), let minified = SQLiteJSON.minified(body),
            let member = SQLiteJSON.member(minified, "call_details"), member.isObject
        {
            details = String(decoding: member.text, as: UTF8.self)
        }
        if details == nil {
            // Rebuilt from the columns, as SQLite's json_object does for an XML body.
            let number = { (i: Int) in r.optionalString(i) ?? "null" }
            let text = { (i: Int) in r.optionalString(i).map(SQLiteJSON.quote) ?? "null" }
            let success = r.optionalInt64(11).map { $0 != 0 ? "true" : "false" } ?? "null"
            let list = try events.query([id]).map { e in
                "{\"event\":\(SQLiteJSON.quote(e.string(0))),\"timestamp\":\(e.optionalString(1) ?? "null")}"
            }
            details =
                "{\"status\":\(text(1)),\"attempts\":\(number(2)),\"max_attempts\":\(number(3)),\"phone_number\":\(text(4)),"
                + "\"queued_timestamp\":\(number(5)),\"start_timestamp\":\(number(6)),\"end_timestamp\":\(number(7)),"
                + "\"last_attempt_timestamp\":\(number(8)),\"reattempt_wait\":\(number(9)),\"duration\":\(number(10)),"
                + "\"success\":\(success),\"events\":[\(list.joined(separator: ","))]}"
        }
        return
            "{\"call_id\":\(SQLiteJSON.quote(id)),\"call_details\":\(details!),\"labels\":\(SQLiteJSON.labels(Exporter.labelList(r.optionalString(14))))}"
    }
}
