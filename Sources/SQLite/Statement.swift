internal import CSQLite
import Foundation

/// A prepared statement. It owns its `sqlite3_stmt` and finalizes it when
/// dropped; like its connection it has one owner and is not `Sendable`.
public final class Statement {
    let handle: OpaquePointer
    /// The connection's raw handle, for error messages only. Holding the
    /// `Connection` itself would make a cycle with its statement cache;
    /// `sqlite3_close_v2` keeps the handle valid until every statement is finalized.
    private let db: OpaquePointer
    public let sql: String

    /// Prepares exactly one statement: SQL after it (other than white space
    /// and comments) is refused, never silently dropped. Scripts of several
    /// statements go through `Connection.execute`.
    init(connection: Connection, sql: String) throws(SQLiteError) {
        var stmt: OpaquePointer?
        var trailing = false
        let rc = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(connection.handle, text, -1, 0, &stmt, &tail)
            if rc == SQLITE_OK, let tail, tail.pointee != 0 {
                // Whatever follows must prepare to nothing (white space, comments, `;`).
                var next: OpaquePointer?
                if sqlite3_prepare_v3(connection.handle, tail, -1, 0, &next, nil) != SQLITE_OK || next != nil { trailing = true }
                sqlite3_finalize(next)
            }
            return rc
        }
        guard rc == SQLITE_OK, let stmt else {
            sqlite3_finalize(stmt)
            throw SQLiteError.from(connection.handle, code: rc, sql: sql)
        }
        guard !trailing else {
            sqlite3_finalize(stmt)
            throw SQLiteError(extendedCode: SQLITE_MISUSE, message: "more than one statement given to prepare; use execute for scripts", sql: sql)
        }
        self.handle = stmt
        self.db = connection.handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    // MARK: Binding

    /// Binds one value at a 1-based index. Text and blobs are copied.
    public func bind(_ value: SQLiteValue, at index: Int32) throws(SQLiteError) {
        if case .text(let v) = value { try checkLength(v.utf8.count) }
        if case .blob(let v) = value { try checkLength(v.count) }
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .real(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let v):
            var v = v
            rc = v.withUTF8 { buf in
                buf.withMemoryRebound(to: CChar.self) { chars in
                    // An empty string must bind as '' (a NULL pointer would bind NULL).
                    guard let base = chars.baseAddress else { return callhist_sqlite3_bind_text_transient(handle, index, "", 0) }
                    return callhist_sqlite3_bind_text_transient(handle, index, base, Int32(chars.count))
                }
            }
        case .blob(let v):
            rc = v.withUnsafeBytes { buf in
                // A zero-length blob still binds as a blob, not as NULL.
                callhist_sqlite3_bind_blob_transient(handle, index, buf.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buf.count))
            }
        }
        try check(rc)
    }

    /// Binds raw bytes as TEXT, unchecked and copied (see `TextBytes`).
    public func bindText(bytes: [UInt8], at index: Int32) throws(SQLiteError) {
        try checkLength(bytes.count)
        let rc = bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { chars in
                // Empty still binds as '' (a NULL pointer would bind NULL).
                guard let base = chars.baseAddress else { return callhist_sqlite3_bind_text_transient(handle, index, "", 0) }
                return callhist_sqlite3_bind_text_transient(handle, index, base, Int32(chars.count))
            }
        }
        try check(rc)
    }

    /// Binds values by position, starting at parameter 1: exactly as many
    /// values as the statement has parameters (`?NNN` counts as its highest number).
    public func bind(_ values: [any SQLiteBindable]) throws(SQLiteError) {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw SQLiteError(
                extendedCode: SQLITE_RANGE, message: "\(values.count) values bound to a statement with \(expected) parameters", sql: sql)
        }
        for (i, v) in values.enumerated() { try v.bind(to: self, at: Int32(i + 1)) }
    }

    /// Binds values by parameter name (`:name`, `@name` or `$name`, given with its prefix).
    public func bind(_ named: [String: any SQLiteBindable]) throws(SQLiteError) {
        for (name, v) in named {
            let index = sqlite3_bind_parameter_index(handle, name)
            guard index > 0 else {
                throw SQLiteError(extendedCode: SQLITE_RANGE, message: "no parameter named \(name)", sql: sql)
            }
            try bind(v.sqliteValue, at: index)
        }
    }

    /// Resets the statement so it can run again, and clears its bindings.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Stepping

    /// Steps once: true when a row is ready to read, false when done.
    @discardableResult
    public func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = SQLiteError.from(db, code: rc, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Resets, binds, and runs a statement that returns no rows.
    public func run(_ values: [any SQLiteBindable] = []) throws(SQLiteError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        try bind(values)
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Resets, binds by name, and runs a statement that returns no rows:
    /// every parameter of the statement must be named and given.
    public func run(named values: [String: any SQLiteBindable]) throws(SQLiteError) {
        try bindAll(named: values)
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Resets, binds by name (every parameter named and given), and calls
    /// `body` for each row.
    public func forEachRow(named values: [String: any SQLiteBindable], _ body: (Statement) throws -> Void) throws {
        try bindAll(named: values)
        defer { sqlite3_reset(handle) }
        while try step() { try body(self) }
    }

    private func bindAll(named values: [String: any SQLiteBindable]) throws(SQLiteError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw SQLiteError(
                extendedCode: SQLITE_RANGE, message: "\(values.count) named values bound to a statement with \(expected) parameters", sql: sql)
        }
        try bind(values)
    }

    /// Resets, binds, and calls `body` for each row.
    public func forEachRow(_ values: [any SQLiteBindable] = [], _ body: (Statement) throws -> Void) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        try bind(values)
        defer { sqlite3_reset(handle) }
        while try step() { try body(self) }
    }

    /// Resets, binds, and maps every row.
    public func map<T>(_ values: [any SQLiteBindable] = [], _ transform: (Statement) throws -> T) throws -> [T] {
        var out: [T] = []
        try forEachRow(values) { out.append(try transform($0)) }
        return out
    }

    /// The first row mapped, or nil when there is none.
    public func first<T>(_ values: [any SQLiteBindable] = [], _ transform: (Statement) throws -> T) throws -> T? {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        try bind(values)
        defer { sqlite3_reset(handle) }
        return try step() ? try transform(self) : nil
    }

    // MARK: Columns

    public var columnCount: Int32 { sqlite3_column_count(handle) }
    public func columnName(_ i: Int32) -> String { String(cString: sqlite3_column_name(handle, i)) }
    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }
    public func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }
    public func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(handle, i)) }
    public func double(_ i: Int32) -> Double { sqlite3_column_double(handle, i) }
    public func optionalInt64(_ i: Int32) -> Int64? { isNull(i) ? nil : int64(i) }
    public func optionalInt(_ i: Int32) -> Int? { isNull(i) ? nil : int(i) }

    public func string(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(handle, i) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, i))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    public func optionalString(_ i: Int32) -> String? { isNull(i) ? nil : string(i) }

    /// A TEXT column's bytes exactly as stored (no UTF-8 repair).
    public func textBytes(_ i: Int32) -> [UInt8] {
        guard let p = sqlite3_column_text(handle, i) else { return [] }
        return Array(UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, i))))
    }

    public func data(_ i: Int32) -> Data {
        let n = Int(sqlite3_column_bytes(handle, i))
        guard n > 0, let p = sqlite3_column_blob(handle, i) else { return Data() }
        return Data(bytes: p, count: n)
    }

    /// The column as a dynamically typed value.
    public func value(_ i: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_NULL: .null
        case SQLITE_INTEGER: .integer(int64(i))
        case SQLITE_FLOAT: .real(double(i))
        case SQLITE_BLOB: .blob(data(i))
        default: .text(string(i))
        }
    }

    /// Lengths cross the C boundary as `int`: a larger value is refused, not truncated.
    private func checkLength(_ count: Int) throws(SQLiteError) {
        guard count <= Int(Int32.max) else {
            throw SQLiteError(extendedCode: SQLITE_TOOBIG, message: "a value of \(count) bytes is too large to store", sql: sql)
        }
    }

    private func check(_ rc: Int32) throws(SQLiteError) {
        guard rc == SQLITE_OK else { throw SQLiteError.from(db, code: rc, sql: sql) }
    }
}

/// One owner, one thread (SQLite's own locking is not what callhist relies
/// on): the type system says so, not a comment.
@available(*, unavailable)
extension Statement: Sendable {}
