import ArchiveCore
import SQLite

/// `copy`'s side of a SQLite archive. Values are read as stored and checked
/// against the column's kind: SQLite lets another tool put text in an
/// integer column, and such a row is named rather than copied wrong.
package struct SQLiteCopyEnd: CopyEnd {
    package let db: Connection
    package let path: String

    private func read(_ table: CopyTable, _ sql: String, _ values: [any SQLiteBindable]) throws -> [[CopyValue]] {
        try db.cached(sql).map(values) { row in
            try table.columns.enumerated().map { i, column in
                let i = Int32(i)
                if row.isNull(i) { return .null }
                if column == table.bytes { return .bytes(row.textBytes(i)) }
                let value = row.value(i)
                guard table.integers.contains(column) else { return .text(row.string(i)) }
                switch value {
                case .integer(let v): return .integer(v)
                case .real(let v) where v == v.rounded() && abs(v) < 9e18: return .integer(Int64(v))
                default:
                    throw InputError("\(path): \(table.name).\(column) holds \(value) where an integer belongs (row of \(row.string(0))); fix that row, then copy again")
                }
            }
        }
    }

    private func select(_ table: CopyTable) -> String { "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name)" }

    package func rows(_ table: CopyTable, callsFrom lo: String?, through hi: String?) throws -> [[CopyValue]] {
        guard let lo, let hi else { return try read(table, "\(select(table)) ORDER BY \(table.order)", []) }
        return try read(table, "\(select(table)) WHERE call_id BETWEEN ? AND ? ORDER BY \(table.order)", [lo, hi])
    }

    package func calls(after: String?, limit: Int) throws -> [[CopyValue]] {
        try read(CopyTable.calls, "\(select(.calls)) WHERE call_id > ? ORDER BY call_id LIMIT ?", [after ?? "", limit])
    }

    package func labels(after: (String, String, String)?, limit: Int) throws -> [[CopyValue]] {
        let a = after ?? ("", "", "")
        return try read(CopyTable.labels, "\(select(.labels)) WHERE (call_id, name, value) > (?, ?, ?) ORDER BY call_id, name, value LIMIT ?",
                        [a.0, a.1, a.2, limit])
    }

    package func lastCallID() throws -> String? { try db.scalarString("SELECT max(call_id) FROM calls") }

    package func lastLabel() throws -> (String, String, String)? {
        try db.prepare("SELECT call_id, name, value FROM call_labels ORDER BY call_id DESC, name DESC, value DESC LIMIT 1")
            .first([]) { ($0.string(0), $0.string(1), $0.string(2)) }
    }

    package func write(_ batch: [(CopyTable, [[CopyValue]])], conflictsIgnored: Bool) throws {
        try db.transaction {
            for (table, rows) in batch where !rows.isEmpty {
                let marks = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
                let insert = try db.cached("""
                    INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES (\(marks))\(conflictsIgnored ? " ON CONFLICT DO NOTHING" : "")
                    """)
                for row in rows {
                    for (i, value) in row.enumerated() {
                        let index = Int32(i + 1)
                        switch value {
                        case .null: try insert.bind(.null, at: index)
                        case .integer(let v): try insert.bind(.integer(v), at: index)
                        case .text(let s): try insert.bind(.text(s), at: index)
                        case .bytes(let b): try insert.bindText(bytes: b, at: index)
                        }
                    }
                    _ = try insert.step()
                    insert.reset()
                }
            }
        }
    }

    package func count(_ table: CopyTable) throws -> Int { Int(try db.scalarInt("SELECT count(*) FROM \(table.name)") ?? 0) }

    /// The report aggregates follow the copied calls (the triggers left deltas).
    package func finish() throws { try db.transaction { try Aggregates.fold(db) } }
}
