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
}
