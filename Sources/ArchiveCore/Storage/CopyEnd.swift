/// Reading and writing the copied tables (`CopyTable`) on either backend:
/// written once over its `SQLDatabase`; the bulk write is the backend's own
/// (`SQLDatabase.insert`: a prepared INSERT on SQLite, `COPY` on PostgreSQL).
package struct CopyEnd {
    let db: any SQLDatabase
    /// How errors name this archive.
    let name: String

    package init(_ db: any SQLDatabase, name: String) {
        self.db = db
        self.name = name
    }

    /// Rows of `table`, each column as the copy carries it: integers as
    /// integers (a whole real too; anything else in an integer column is
    /// refused with the row named), the body as its bytes, text as text.
    private func read(_ table: CopyTable, _ sql: String, _ values: [SQLValue]) throws -> [[SQLValue]] {
        try db.rows(sql, values) { row in
            try table.columns.enumerated().map { i, column in
                let value = row.values[i]
                if value == .null { return .null }
                if column == table.bytes { return .blob(.init(row.bytes(i))) }
                guard table.integers.contains(column) else { return .text(row.string(i)) }
                switch value {
                case .integer: return value
                case .real(let v) where v == v.rounded() && abs(v) < 9e18: return .integer(Int64(v))
                default:
                    throw InputError(
                        "\(name): \(table.name).\(column) holds \(value) where an integer belongs (row of \(row.string(0))); fix that row, then copy again"
                    )
                }
            }
        }
    }

    private func select(_ table: CopyTable) -> String { "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name)" }

    /// The whole table, or the rows of the calls from `lo` through `hi`.
    package func rows(_ table: CopyTable, callsFrom lo: String?, through hi: String?) throws -> [[SQLValue]] {
        guard let lo, let hi else { return try read(table, "\(select(table)) ORDER BY \(table.order)", []) }
        return try read(table, "\(select(table)) WHERE call_id BETWEEN ? AND ? ORDER BY \(table.order)", [.text(lo), .text(hi)])
    }

    package func calls(after: String?, limit: Int) throws -> [[SQLValue]] {
        try read(CopyTable.calls, "\(select(.calls)) WHERE call_id > ? ORDER BY call_id LIMIT ?", [.text(after ?? ""), .integer(Int64(limit))])
    }

    package func labels(after: (String, String, String)?, limit: Int) throws -> [[SQLValue]] {
        let a = after ?? ("", "", "")
        return try read(
            CopyTable.labels, "\(select(.labels)) WHERE (call_id, name, value) > (?, ?, ?) ORDER BY call_id, name, value LIMIT ?",
            [.text(a.0), .text(a.1), .text(a.2), .integer(Int64(limit))])
    }

    package func lastCallID() throws -> String? { try db.first("SELECT max(call_id) FROM calls") { $0.optionalString(0) } ?? nil }

    package func lastLabel() throws -> (String, String, String)? {
        try db.first("SELECT call_id, name, value FROM call_labels ORDER BY call_id DESC, name DESC, value DESC LIMIT 1") {
            ($0.string(0), $0.string(1), $0.string(2))
        }
    }

    /// One chunk, all its tables in one transaction.
    package func write(_ batch: [(CopyTable, [[SQLValue]])], conflictsIgnored: Bool) throws {
        try db.transaction {
            for (table, rows) in batch where !rows.isEmpty {
                try db.insert(table.name, columns: table.columns, rows: rows, conflictsIgnored: conflictsIgnored)
            }
        }
    }

    package func count(_ table: CopyTable) throws -> Int { Int(try db.integer("SELECT count(*) FROM \(table.name)") ?? 0) }

    /// After the last chunk: what the database derives is brought up to date.
    package func finish() throws { try db.loaded() }
}
