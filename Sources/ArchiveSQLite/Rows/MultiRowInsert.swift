import ArchiveCore
import SQLite

/// One `INSERT … VALUES (…), (…), …` for many rows of the same shape,
/// prepared once per row count: a batch's rows in a few statements instead
/// of one each. A statement on a table with triggers and foreign keys pays
/// a statement journal and opens a cursor on every index each time it
/// runs; many rows share that (docs/architecture.md, "Store").
package final class MultiRowInsert {
    private let db: Connection
    private let head: String
    private let width: Int
    private let tail: String
    private var prepared: [Int: Statement] = [:]
    /// SQLite's oldest default limit on a statement's parameters.
    private static let maxParameters = 999
    private var rowsPerStatement: Int { max(1, Self.maxParameters / width) }

    /// `head` ends before `VALUES`; each row has `width` values; `tail`
    /// follows the rows (an `ON CONFLICT` clause, or empty).
    package init(_ db: Connection, _ head: String, width: Int, tail: String = "") {
        self.db = db
        self.head = head
        self.width = width
        self.tail = tail
    }

    /// Inserts `values`, the rows one after another (`width` values each).
    package func run(_ values: [any SQLiteBindable]) throws {
        precondition(values.count % width == 0, "a row of \(width) values was cut")
        var start = 0
        while start < values.count {
            let rows = min(rowsPerStatement, (values.count - start) / width)
            let statement = try self.statement(rows: rows)
            statement.reset()
            defer { statement.reset() }
            for i in 0..<rows * width { try values[start + i].bind(to: statement, at: Int32(i + 1)) }
            while try statement.step() {}
            start += rows * width
        }
    }

    private func statement(rows: Int) throws -> Statement {
        if let s = prepared[rows] { return s }
        let row = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        let s = try db.prepare("\(head) VALUES \(Array(repeating: row, count: rows).joined(separator: ", ")) \(tail)")
        prepared[rows] = s
        return s
    }
}
