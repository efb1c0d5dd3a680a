import ArchiveCore
import Foundation
import SQLite

/// A SQLite connection as the core's `SQLDatabase`: statements from the
/// connection's cache (the core's are few and run often), text read byte
/// for byte (a body that is not UTF-8 comes back as a blob of its bytes).
package final class SQLiteDatabase: SQLDatabase {
    package let db: Connection
    package var dialect: SQLDialect { .sqlite }

    package init(_ db: Connection) { self.db = db }

    @discardableResult
    package func run(_ sql: String, _ values: [SQLValue]) throws -> Int {
        try db.cached(sql).run(values)
        return db.changes
    }

    package func query(_ sql: String, _ values: [SQLValue], _ row: (SQLRow) throws -> Void) throws {
        let statement = try db.cached(sql)
        let columns = (0..<statement.columnCount).map { statement.columnName($0) }
        try statement.forEachRow(values) { r in
            try row(
                SQLRow(
                    (0..<r.columnCount).map { i in
                        guard case .text = r.value(i) else { return SQLValue(r.value(i)) }
                        let bytes = r.textBytes(i)
                        return String(validating: bytes, as: UTF8.self).map(SQLValue.text) ?? .blob(Data(bytes))
                    }, columns: columns))
        }
    }

    package func transaction<T>(_ body: () throws -> T) throws -> T { try db.transaction(body) }

    /// One prepared INSERT stepped per row: in-process, a row costs no round trip.
    package func insert(_ table: String, columns: [String], rows: [[SQLValue]], conflictsIgnored: Bool) throws {
        guard !rows.isEmpty else { return }
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let insert = try db.cached(
            """
            INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(marks))\(conflictsIgnored ? " ON CONFLICT DO NOTHING" : "")
            """)
        for row in rows {
            for (i, value) in row.enumerated() {
                // Bytes go in as TEXT, exactly (a body is kept byte for byte).
                if case .blob(let d) = value {
                    try insert.bindText(bytes: [UInt8](d), at: Int32(i + 1))
                } else {
                    try insert.bind(value.sqliteValue, at: Int32(i + 1))
                }
            }
            _ = try insert.step()
            insert.reset()
        }
    }

    /// The report aggregates take in what the triggers recorded.
    package func callsChanged() throws { try Aggregates.fold(db) }
    package func loaded() throws { try db.transaction { try Aggregates.fold(db) } }
}
