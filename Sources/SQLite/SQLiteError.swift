internal import CSQLite

/// A failed sqlite3 call: the extended result code, SQLite's own message for
/// the connection (`sqlite3_errmsg`), and the SQL that was running.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (for example `SQLITE_CONSTRAINT_PRIMARYKEY`, 1555).
    public let extendedCode: Int32
    public let message: String
    public let sql: String?

    public init(extendedCode: Int32, message: String, sql: String?) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// The primary result code (`SQLITE_CONSTRAINT` for every constraint
    /// failure), so callers can match a family of errors.
    public var code: Int32 { extendedCode & 0xff }

    /// Result codes callers match on, so they need not import the C module
    /// (the extended ones are macros Swift cannot import).
    public enum Code {
        public static let error: Int32 = 1
        public static let busy: Int32 = 5
        public static let locked: Int32 = 6
        public static let permission: Int32 = 3
        public static let readOnly: Int32 = 8
        public static let ioError: Int32 = 10
        public static let corrupt: Int32 = 11
        public static let full: Int32 = 13
        public static let cannotOpen: Int32 = 14
        public static let constraint: Int32 = 19
        public static let range: Int32 = 25
        public static let notADatabase: Int32 = 26
        public static let constraintForeignKey: Int32 = 787
        public static let constraintNotNull: Int32 = 1299
        public static let constraintPrimaryKey: Int32 = 1555
        public static let constraintUnique: Int32 = 2067
    }

    /// The file is not a database, or is damaged.
    public var isNotADatabase: Bool { code == SQLITE_NOTADB || code == SQLITE_CORRUPT }

    /// SQLite's words for the code and its message, without the SQL: what a
    /// person may be shown.
    public var plainMessage: String {
        let name = String(cString: sqlite3_errstr(extendedCode))
        return message == name ? "SQLite: \(message)" : "SQLite: \(name): \(message)"
    }

    public var description: String {
        var text = "SQLite error \(extendedCode) (\(String(cString: sqlite3_errstr(extendedCode)))): \(message)"
        if let sql { text += " — in: \(sql.count > 300 ? String(sql.prefix(300)) + "…" : sql)" }
        return text
    }

    static func from(_ db: OpaquePointer?, code: Int32, sql: String?) -> SQLiteError {
        let extended = db.map { sqlite3_extended_errcode($0) } ?? code
        let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        // sqlite3_extended_errcode reflects the most recent failing call on the
        // connection; fall back to the code we were handed when they disagree.
        let chosen = (extended & 0xff) == (code & 0xff) ? extended : code
        return SQLiteError(extendedCode: chosen, message: message, sql: sql)
    }
}
