import ArchiveCore
import Foundation
import SQLite

/// `Exporter` over a SQLite archive: each row's CSV or NDJSON built by
/// SQLite's own functions, streamed.
package struct SQLiteExporter {
    package let db: Connection

    package init(db: Connection) { self.db = db }

    /// A call's labels as `name:hex(value)` pairs in (name, value) order,
    /// as PostgreSQL's `PostgresExporter.labelList` gives them (`Exporter.labelList` reads both).
    static let labelList = """
        (SELECT group_concat(l.name || ':' || hex(l.value), ',')
         FROM (SELECT name, value FROM call_labels l WHERE l.call_id = c.call_id ORDER BY name, value) l)
        """

    /// Writes the rows and returns how many.
    @discardableResult
    package func export(_ table: Exporter.Table, format: Exporter.Format, filter: CallFilter, zone: TimeZone?, to sink: OutputSink) throws -> Int {
        let (whereSQL, values) = filter.clause()
        let sql: String
        let columns: [String]
        var csv = CSVExport(zone: zone)
        var times: Set<String> = []
        var labelNames: [String]?
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
            // A column per label name the exported calls hold.
            labelNames = try db.prepare(
                "SELECT DISTINCT l.name FROM call_labels l JOIN calls c ON c.call_id = l.call_id WHERE \(whereSQL) ORDER BY 1"
            ).map(values) { $0.string(0) }
            columns = CSVExport.callFields
            sql = "SELECT \(columns.map { "c.\($0)" }.joined(separator: ", ")), \(Self.labelList) FROM calls c WHERE \(whereSQL) ORDER BY c.call_id"
        case (.events, _):
            columns = Exporter.eventColumns
            times = CSVExport.eventTimes
            sql =
                "SELECT e.call_id, e.seq, e.event, e.timestamp FROM call_events e JOIN calls c USING (call_id) WHERE \(whereSQL) ORDER BY e.call_id, e.seq"
        case (.snapshots, _):
            columns = Exporter.snapshotColumns
            times = CSVExport.snapshotTimes
            sql =
                "SELECT \(columns.map { "s.\($0)" }.joined(separator: ", ")) FROM call_snapshots s JOIN calls c USING (call_id) WHERE \(whereSQL) ORDER BY s.call_id, s.snapshot_id"
        }
        let statement = try db.prepare(sql)
        var rows = 0
        if let labelNames {
            try sink.write(CSVExport.callsHeader(labelNames: labelNames))
        } else if format == .csv {
            try sink.write(columns.joined(separator: ",") + "\r\n")
        }
        try statement.forEachRow(values) { row in
            rows += 1
            let fields = { columns.indices.map { row.isNull(Int32($0)) ? nil : row.string(Int32($0)) } }
            if columns.isEmpty {
                try sink.write(row.string(0) + "\n")
            } else if let labelNames {
                let labels = Exporter.labelList(row.optionalString(Int32(columns.count)))
                try sink.write(csv.callRow(fields(), labels: labels, labelNames: labelNames))
            } else if format == .csv {
                try sink.write(csv.row(columns, fields(), times: times))
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
