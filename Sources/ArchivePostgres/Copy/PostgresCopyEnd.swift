import ArchiveCore
import Postgres

/// `copy`'s side of a PostgreSQL archive: rows read in key order, written
/// with `COPY` (one transaction per chunk), identity sequences moved past
/// the copied ids at the end, and `body_json` filled for JSON bodies.
package struct PostgresCopyEnd: CopyEnd {
    package let db: PostgresConnection

    private func read(_ table: CopyTable, _ sql: String, _ values: [any PostgresBindable]) throws -> [[CopyValue]] {
        try db.query(sql, values).map { r in
            table.columns.enumerated().map { i, column in
                if r.isNull(i) { return .null }
                if column == table.bytes { return .bytes(r.bytes(i) ?? []) }
                return table.integers.contains(column) ? .integer(r.int64(i)) : .text(r.string(i))
            }
        }
    }

    private func select(_ table: CopyTable) -> String { "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name)" }

    package func rows(_ table: CopyTable, callsFrom lo: String?, through hi: String?) throws -> [[CopyValue]] {
        guard let lo, let hi else { return try read(table, "\(select(table)) ORDER BY \(table.order)", []) }
        return try read(table, "\(select(table)) WHERE call_id BETWEEN $1 AND $2 ORDER BY \(table.order)", [lo, hi])
    }

    package func calls(after: String?, limit: Int) throws -> [[CopyValue]] {
        try read(CopyTable.calls, "\(select(.calls)) WHERE call_id > $1 ORDER BY call_id LIMIT $2", [after ?? "", limit])
    }

    package func labels(after: (String, String, String)?, limit: Int) throws -> [[CopyValue]] {
        let a = after ?? ("", "", "")
        return try read(CopyTable.labels, "\(select(.labels)) WHERE (call_id, name, value) > ($1, $2, $3) ORDER BY call_id, name, value LIMIT $4",
                        [a.0, a.1, a.2, limit])
    }

    package func lastCallID() throws -> String? { try db.scalarString("SELECT max(call_id) FROM calls") }

    package func lastLabel() throws -> (String, String, String)? {
        let r = try db.query("SELECT call_id, name, value FROM call_labels ORDER BY call_id DESC, name DESC, value DESC LIMIT 1")
        return r.count == 1 ? (r[0].string(0), r[0].string(1), r[0].string(2)) : nil
    }

    package func write(_ batch: [(CopyTable, [[CopyValue]])], conflictsIgnored: Bool) throws {
        try db.transaction {
            for (table, rows) in batch where !rows.isEmpty {
                var columns = table.columns
                if table.name == CopyTable.snapshots.name { columns.append("body_json") }
                let target = conflictsIgnored ? "callhist_copy_\(table.name)" : table.name
                if conflictsIgnored {
                    try db.execute("CREATE TEMP TABLE IF NOT EXISTS \(target) (LIKE \(table.name)) ON COMMIT DELETE ROWS")
                }
                try db.copyIn("COPY \(target) (\(columns.joined(separator: ", "))) FROM STDIN") { w in
                    for row in rows {
                        var fields: [PostgresCopyWriter.Field] = row.map { value in
                            switch value {
                            case .null: .null
                            case .integer(let v): .integer(v)
                            case .text(let s): .text(s)
                            case .bytes(let b): .bytes(b)
                            }
                        }
                        if table.name == CopyTable.snapshots.name {
                            let format = row[3].text, body: [UInt8]
                            if case .bytes(let b) = row[4] { body = b } else { body = [] }
                            fields.append(format == "json" ? Self.jsonb(body).map { .text($0) } ?? .null : .null)
                        }
                        try w.row(fields)
                    }
                }
                if conflictsIgnored {
                    try db.execute("INSERT INTO \(table.name) SELECT * FROM \(target) ON CONFLICT DO NOTHING")
                }
            }
        }
    }

    /// The body as jsonb input when PostgreSQL's jsonb takes it: valid JSON
    /// (`SQLiteJSON`), valid UTF-8, and no `\u0000` or lone surrogate
    /// escape, which jsonb refuses. Otherwise NULL: the body itself is kept.
    package static func jsonb(_ body: [UInt8]) -> String? {
        guard SQLiteJSON.minified(body) != nil, let text = String(validating: body, as: UTF8.self) else { return nil }
        var i = 0
        while i + 5 < body.count {
            if body[i] == UInt8(ascii: "\\") {
                if body[i + 1] == UInt8(ascii: "u") {
                    let hex = String(decoding: body[(i + 2)..<(i + 6)], as: UTF8.self).lowercased()
                    if hex == "0000" || ("d800"..."dfff").contains(hex) { return nil }
                }
                i += 2
                continue
            }
            i += 1
        }
        return text
    }

    package func count(_ table: CopyTable) throws -> Int { Int(try db.scalarInt("SELECT count(*) FROM \(table.name)") ?? 0) }

    /// New runs, snapshots and changes get ids after the copied ones.
    package func finish() throws {
        for (table, column) in [("archive_runs", "run_id"), ("call_snapshots", "snapshot_id"), ("status_changes", "change_id")] {
            try db.query("SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), coalesce((SELECT max(\(column)) FROM \(table)), 0) + 1, false)")
        }
        try db.execute("ANALYZE")
    }
}
