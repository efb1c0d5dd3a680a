import Foundation

/// One row a backend read for the core: its columns as values, by position.
/// The typed readers are lenient the way both drivers are (an integer read
/// as text is its digits), so one body of code reads either database.
package struct SQLRow {
    package let values: [SQLValue]
    /// The columns' names, as the query named them.
    package let columns: [String]

    package init(_ values: [SQLValue], columns: [String]) {
        self.values = values
        self.columns = columns
    }

    package func isNull(_ i: Int) -> Bool { values[i] == .null }

    package func optionalInt64(_ i: Int) -> Int64? {
        switch values[i] {
        case .null: nil
        case .integer(let v): v
        case .real(let v): v.isFinite && abs(v) < 9.2e18 ? Int64(v) : nil
        case .text(let s): Int64(s)
        case .blob: nil
        }
    }

    package func int64(_ i: Int) -> Int64 { optionalInt64(i) ?? 0 }
    package func int(_ i: Int) -> Int { Int(int64(i)) }
    package func optionalInt(_ i: Int) -> Int? { optionalInt64(i).map { Int($0) } }

    package func optionalString(_ i: Int) -> String? {
        switch values[i] {
        case .null: nil
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let s): s
        case .blob(let d): String(decoding: d, as: UTF8.self)
        }
    }

    package func string(_ i: Int) -> String { optionalString(i) ?? "" }

    /// The bytes of a text or blob column exactly as stored (a body that is not UTF-8 included).
    package func bytes(_ i: Int) -> [UInt8] {
        switch values[i] {
        case .blob(let d): [UInt8](d)
        case .text(let s): Array(s.utf8)
        default: Array(string(i).utf8)
        }
    }
}
