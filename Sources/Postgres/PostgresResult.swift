internal import CPostgres
import Foundation

/// The rows of one statement (text format); it owns its `PGresult`.
public final class PostgresResult {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }
    deinit { PQclear(handle) }

    public var count: Int { Int(PQntuples(handle)) }
    public var columnCount: Int { Int(PQnfields(handle)) }
    public func columnName(_ i: Int) -> String { String(cString: PQfname(handle, Int32(i))) }
    /// Rows changed by an INSERT, UPDATE or DELETE.
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(handle))) ?? 0 }
    /// The column's type OID (20 bigint, 23 integer, 25 text, 17 bytea, …).
    public func columnType(_ i: Int) -> UInt32 { UInt32(PQftype(handle, Int32(i))) }

    public subscript(row: Int) -> PostgresRow { PostgresRow(result: self, index: row) }
    public var rows: [PostgresRow] { (0..<count).map { PostgresRow(result: self, index: $0) } }
    public func map<T>(_ body: (PostgresRow) throws -> T) rethrows -> [T] { try (0..<count).map { try body(self[$0]) } }
}

@available(*, unavailable)
extension PostgresResult: Sendable {}

/// One row of a result. Accessors parse the text form; a value that is not
/// what the accessor expects is a programming error in the query, so the
/// non-optional accessors give 0 or "" for NULL as SQLite's do.
public struct PostgresRow {
    let result: PostgresResult
    let index: Int32

    init(result: PostgresResult, index: Int) {
        self.result = result
        self.index = Int32(index)
    }

    public var columnCount: Int { result.columnCount }
    public func columnName(_ i: Int) -> String { result.columnName(i) }
    public func isNull(_ i: Int) -> Bool { PQgetisnull(result.handle, index, Int32(i)) == 1 }

    /// The raw text bytes of column `i` (nil for NULL).
    public func textBytes(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
        guard !isNull(i), let p = PQgetvalue(result.handle, index, Int32(i)) else { return nil }
        let n = Int(PQgetlength(result.handle, index, Int32(i)))
        return UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: n)
    }

    public func optionalString(_ i: Int) -> String? { textBytes(i).map { String(decoding: $0, as: UTF8.self) } }
    public func string(_ i: Int) -> String { optionalString(i) ?? "" }

    /// Integers, and sums (numeric) that hold an integer.
    public func optionalInt64(_ i: Int) -> Int64? {
        guard let bytes = textBytes(i) else { return nil }
        var value: Int64 = 0
        var negative = false
        var seen = false
        for (k, b) in bytes.enumerated() {
            if k == 0 && b == UInt8(ascii: "-") {
                negative = true
                continue
            }
            guard b >= 48 && b <= 57 else { return Int64(Double(String(decoding: bytes, as: UTF8.self)) ?? 0) }
            let digit = Int64(b - 48)
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
            guard !o1, !o2 else { return negative ? .min : .max }
            value = s
            seen = true
        }
        return seen ? value : nil
    }
    public func int64(_ i: Int) -> Int64 { optionalInt64(i) ?? 0 }
    public func optionalInt(_ i: Int) -> Int? { optionalInt64(i).map { Int(truncatingIfNeeded: $0) } }
    public func int(_ i: Int) -> Int { Int(truncatingIfNeeded: int64(i)) }
    public func optionalDouble(_ i: Int) -> Double? { optionalString(i).flatMap { Double($0) } }
    public func double(_ i: Int) -> Double { optionalDouble(i) ?? 0 }
    public func bool(_ i: Int) -> Bool {
        let s = string(i)
        return s == "t" || s == "1" || s == "true"
    }

    /// A `bytea` column (hex text form `\x…`) as its bytes.
    public func bytes(_ i: Int) -> [UInt8]? {
        guard let text = textBytes(i) else { return nil }
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x") else { return Array(text) }
        var out = [UInt8]()
        out.reserveCapacity((text.count - 2) / 2)
        var k = 2
        while k + 1 < text.count {
            out.append(Self.nibble(text[k]) << 4 | Self.nibble(text[k + 1]))
            k += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: 0
        }
    }
}

@available(*, unavailable)
extension PostgresRow: Sendable {}
