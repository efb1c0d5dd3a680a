import ArchiveCore
import Foundation
import SQLite

/// `Exporter` over a SQLite archive: each row's CSV or NDJSON built by
/// SQLite's own functions, streamed.
package struct SQLiteExporter {
    package let db: Connection

    package init(db: Connection) { self.db = db }

    /// Writes the rows and returns how many.
    @discardableResult
    package func export(_ table: Exporter.Table, format: Exporter.Format, filter: CallFilter, to sink: OutputSink) throws -> Int {
        let (whereSQL, values) = filter.clause()
        let sql: String
        let columns: [String]
        switch (table, format) {
        case (.calls, .ndjson):
            // The newest snapshot's call_details as received (unknown fields
            // kept); a call archived from XML is rebuilt from its columns.
            columns = []
            sql = """
                SELECT json_object('call_id', c.call_id, 'call_details',
                    CASE WHEN s.format = 'json' AND json_valid(s.body) AND json_type(s.body, '$.call_details') = 'object'
                         THEN json(json_extract(s.body, '$.call_details'))
                         ELSE json_object('status', c.status, 'attempts', c.attempts, 'max_attempts', c.max_attempts,
                              'phone_number', c.phone_number, 'queued_timestamp', c.queued_timestamp,
                              'start_timestamp', c.start_timestamp, 'end_timestamp', c.end_timestamp,
                              'last_attempt_timestamp', c.last_attempt_timestamp, 'reattempt_wait', c.reattempt_wait,
                              'duration', c.duration, 'success', CASE WHEN c.success IS NULL THEN NULL WHEN c.success THEN json('true') ELSE json('false') END,
                              'events', (SELECT json_group_array(json_object('event', e.event, 'timestamp', e.timestamp))
                                         FROM (SELECT * FROM call_events e WHERE e.call_id = c.call_id ORDER BY e.seq) e))
                    END, 'labels', json(\(ReportSQL.labelsJSON)))
                FROM calls c JOIN call_snapshots s ON s.snapshot_id = c.snapshot_id
                WHERE \(whereSQL) ORDER BY c.call_id
                """
        case (.calls, .csv):
            columns = Exporter.callColumns
            // `labels` is one column of JSON text, so a spreadsheet still opens the file.
            let selected = columns.map { $0 == "labels" ? ReportSQL.labelsJSON : "c.\($0)" }.joined(separator: ", ")
            sql = "SELECT \(selected) FROM calls c WHERE \(whereSQL) ORDER BY c.call_id"
        case (.events, _):
            columns = Exporter.eventColumns
            sql =
                "SELECT e.call_id, e.seq, e.event, e.timestamp FROM call_events e JOIN calls c USING (call_id) WHERE \(whereSQL) ORDER BY e.call_id, e.seq"
        case (.snapshots, _):
            columns = Exporter.snapshotColumns
            sql =
                "SELECT \(columns.map { "s.\($0)" }.joined(separator: ", ")) FROM call_snapshots s JOIN calls c USING (call_id) WHERE \(whereSQL) ORDER BY s.call_id, s.snapshot_id"
        }
        let statement = try db.prepare(sql)
        var rows = 0
        if format == .csv { try sink.write(columns.joined(separator: ",") + "\r\n") }
        try statement.forEachRow(values) { row in
            rows += 1
            if columns.isEmpty {
                try sink.write(row.string(0) + "\n")
            } else if format == .csv {
                try sink.write((0..<row.columnCount).map { row.isNull($0) ? "" : SafeText.csvField(row.string($0)) }.joined(separator: ",") + "\r\n")
            } else {
                try sink.write(Self.jsonObject(columns, row) + "\n")
            }
        }
        try sink.flush()
        return rows
    }

    /// A row as a JSON object, integers as numbers, text as strings.
    private static func jsonObject(_ columns: [String], _ row: Statement) -> String {
        var out = "{"
        for (i, name) in columns.enumerated() {
            if i > 0 { out += "," }
            out += "\"\(name)\":"
            switch row.value(Int32(i)) {
            case .null: out += "null"
            case .integer(let v): out += String(v)
            case .real(let v): out += String(v)
            case .text(let s): out += Exporter.jsonString(s)
            case .blob(let d): out += Exporter.jsonString(d.base64EncodedString())
            }
        }
        return out + "}"
    }
}
