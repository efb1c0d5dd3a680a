import Foundation

/// A value crossing the seam between the core and a backend: a parameter
/// of a statement the core writes, or a column a backend read. Each backend
/// turns it into its driver's own (docs/architecture.md, "Seams").
public enum SQLValue: Equatable, Sendable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    /// As `report call` prints a column.
    public var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): v
        case .blob(let v): "<\(v.count) bytes>"
        }
    }

    /// The string of a `.text`, else nil.
    package var textValue: String? { if case .text(let s) = self { s } else { nil } }

    package init(_ v: Int64?) { self = v.map(SQLValue.integer) ?? .null }
    package init(_ v: String?) { self = v.map(SQLValue.text) ?? .null }
    /// A flag as SQLite and the PostgreSQL schema keep it: 1 or 0.
    package init(_ v: Bool?) { self = v.map { .integer($0 ? 1 : 0) } ?? .null }
}
