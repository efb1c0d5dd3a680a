import Foundation

/// A value bound to a `$n` parameter: sent as text (PostgreSQL casts it to
/// the parameter's type), or NULL.
public protocol PostgresBindable {
    /// The text form, nil for NULL.
    var postgresText: [UInt8]? { get }
}

/// Text cannot hold NUL in PostgreSQL: a NUL is sent as U+FFFD.
extension String: PostgresBindable { public var postgresText: [UInt8]? { PostgresText.bytes(utf8) } }
extension Substring: PostgresBindable { public var postgresText: [UInt8]? { PostgresText.bytes(utf8) } }

enum PostgresText {
    static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
    static func bytes<S: Sequence>(_ utf8: S) -> [UInt8] where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.underestimatedCount)
        for b in utf8 { if b == 0 { out += replacement } else { out.append(b) } }
        return out
    }
}
extension Int: PostgresBindable { public var postgresText: [UInt8]? { Array(String(self).utf8) } }
extension Int64: PostgresBindable { public var postgresText: [UInt8]? { Array(String(self).utf8) } }
extension Int32: PostgresBindable { public var postgresText: [UInt8]? { Array(String(self).utf8) } }
/// Booleans as 1 and 0: callhist's flags are integer columns, as in SQLite.
extension Bool: PostgresBindable { public var postgresText: [UInt8]? { Array((self ? "1" : "0").utf8) } }
extension Double: PostgresBindable {
    /// Swift's shortest round-trip form; PostgreSQL reads it back exactly.
    public var postgresText: [UInt8]? { Array((isFinite ? "\(self)" : isNaN ? "NaN" : self > 0 ? "Infinity" : "-Infinity").utf8) }
}
extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresText: [UInt8]? { self?.postgresText }
}

/// Bytes for a `bytea` parameter, sent in bytea's hex text form (`\x…`).
public struct PostgresBytes: PostgresBindable {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var postgresText: [UInt8]? { Array("\\x".utf8) + Self.hex(bytes) }

    static let digits = Array("0123456789abcdef".utf8)
    static func hex(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return out
    }
}
