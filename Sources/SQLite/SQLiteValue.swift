import Foundation

/// A value as SQLite stores it.
public enum SQLiteValue: Equatable, Sendable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): v
        case .blob(let v): "<\(v.count) bytes>"
        }
    }
}

/// Swift values that bind directly as SQLite parameters.
public protocol SQLiteBindable {
    var sqliteValue: SQLiteValue { get }
    /// Binds the value at a 1-based index; types with a cheaper or more
    /// exact binding than `sqliteValue` override it.
    func bind(to statement: Statement, at index: Int32) throws(SQLiteError)
}

extension SQLiteBindable {
    public func bind(to statement: Statement, at index: Int32) throws(SQLiteError) {
        try statement.bind(sqliteValue, at: index)
    }
}

/// Bytes bound as TEXT exactly as they are, even when they are not valid
/// UTF-8 (SQLite stores text bytes without checking them): a body is kept
/// byte for byte, and `json_extract` still reads it when it is JSON.
public struct TextBytes: SQLiteBindable {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var sqliteValue: SQLiteValue { .text(String(decoding: bytes, as: UTF8.self)) }
    public func bind(to statement: Statement, at index: Int32) throws(SQLiteError) {
        try statement.bindText(bytes: bytes, at: index)
    }
}

extension Int: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(Int64(self)) } }
extension Int64: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(self) } }
extension Int32: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(Int64(self)) } }
extension Double: SQLiteBindable { public var sqliteValue: SQLiteValue { .real(self) } }
extension String: SQLiteBindable { public var sqliteValue: SQLiteValue { .text(self) } }
extension Substring: SQLiteBindable { public var sqliteValue: SQLiteValue { .text(String(self)) } }
extension Data: SQLiteBindable { public var sqliteValue: SQLiteValue { .blob(self) } }
extension Bool: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) } }
extension SQLiteValue: SQLiteBindable { public var sqliteValue: SQLiteValue { self } }
extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    public var sqliteValue: SQLiteValue { self?.sqliteValue ?? .null }
}
