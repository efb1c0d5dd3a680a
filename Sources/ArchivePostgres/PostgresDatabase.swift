import ArchiveCore
import Foundation
import Postgres

/// A PostgreSQL connection as the core's `SQLDatabase`: the core's `?` are
/// numbered `$n`, values go as text (PostgreSQL casts them), integer columns
/// come back as integers and `bytea` as bytes; bulk inserts use `COPY`.
package final class PostgresDatabase: SQLDatabase {
    package let db: PostgresConnection
    package var dialect: SQLDialect { .postgresql }

    package init(_ db: PostgresConnection) { self.db = db }

    /// smallint, integer, bigint.
    static let integerTypes: Set<UInt32> = [20, 21, 23]
    static let byteaType: UInt32 = 17
    /// A comparison's result: 1 or 0, as SQLite gives it.
    static let booleanType: UInt32 = 16

    @discardableResult
    package func run(_ sql: String, _ values: [SQLValue]) throws -> Int {
        try db.query(dialect.render(sql), values.map { $0 as any PostgresBindable }).affectedRows
    }

    package func query(_ sql: String, _ values: [SQLValue], _ row: (SQLRow) throws -> Void) throws {
        let result = try db.query(dialect.render(sql), values.map { $0 as any PostgresBindable })
        let types = (0..<result.columnCount).map { result.columnType($0) }
        let columns = (0..<result.columnCount).map { result.columnName($0) }
        for r in result.rows {
            try row(
                SQLRow(
                    types.enumerated().map { i, type in
                        if r.isNull(i) { return .null }
                        if Self.integerTypes.contains(type) { return .integer(r.int64(i)) }
                        if type == Self.booleanType { return .integer(r.bool(i) ? 1 : 0) }
                        if type == Self.byteaType { return .blob(Data(r.bytes(i) ?? [])) }
                        return .text(r.string(i))
                    }, columns: columns))
        }
    }

    package func transaction<T>(_ body: () throws -> T) throws -> T { try db.transaction(body) }

    /// `COPY … FROM STDIN`; with `conflictsIgnored`, through a temporary
    /// copy of the table and `INSERT … ON CONFLICT DO NOTHING`.
    /// A snapshot gets its `body_json` (the body as jsonb where jsonb takes it).
    package func insert(_ table: String, columns: [String], rows: [[SQLValue]], conflictsIgnored: Bool) throws {
        guard !rows.isEmpty else { return }
        if table == CopyTable.snapshots.name, let format = columns.firstIndex(of: "format"), let body = columns.firstIndex(of: "body") {
            let json = rows.map { row -> [SQLValue] in
                guard row[format].textValue == "json", case .blob(let d) = row[body], let text = Self.jsonb([UInt8](d)) else { return row + [.null] }
                return row + [.text(text)]
            }
            return try insertRows(table, columns: columns + ["body_json"], rows: json, conflictsIgnored: conflictsIgnored)
        }
        try insertRows(table, columns: columns, rows: rows, conflictsIgnored: conflictsIgnored)
    }

    private func insertRows(_ table: String, columns: [String], rows: [[SQLValue]], conflictsIgnored: Bool) throws {
        let target = conflictsIgnored ? "callhist_copy_\(table)" : table
        if conflictsIgnored { try db.execute("CREATE TEMP TABLE IF NOT EXISTS \(target) (LIKE \(table)) ON COMMIT DELETE ROWS") }
        try db.copyIn("COPY \(target) (\(columns.joined(separator: ", "))) FROM STDIN") { w in
            for row in rows {
                try w.row(row.map(Self.field))
            }
        }
        if conflictsIgnored { try db.execute("INSERT INTO \(table) SELECT * FROM \(target) ON CONFLICT DO NOTHING") }
    }

    package func callsChanged() throws {}

    /// A value as `COPY` sends it.
    package static func field(_ value: SQLValue) -> PostgresCopyWriter.Field {
        switch value {
        case .null: .null
        case .integer(let v): .integer(v)
        case .real(let v): .text(String(v))
        case .text(let s): .text(s)
        case .blob(let d): .bytes([UInt8](d))
        }
    }

    package func loaded() throws {
        for (table, column) in [("archive_runs", "run_id"), ("call_snapshots", "snapshot_id"), ("status_changes", "change_id")] {
            try db.query(
                "SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), coalesce((SELECT max(\(column)) FROM \(table)), 0) + 1, false)")
        }
        try db.execute("ANALYZE")
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
}

extension SQLValue: PostgresBindable {
    public var postgresText: [UInt8]? {
        switch self {
        case .null: nil
        case .integer(let v): v.postgresText
        case .real(let v): v.postgresText
        case .text(let s): s.postgresText
        case .blob(let d): PostgresBytes([UInt8](d)).postgresText
        }
    }
}
