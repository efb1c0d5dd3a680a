import ArchiveCore
import Foundation
import SQLite

/// The core's values bind as SQLite parameters, and SQLite's columns come
/// back as the core's values.
extension SQLValue: SQLiteBindable {
    public var sqliteValue: SQLiteValue {
        switch self {
        case .null: .null
        case .integer(let v): .integer(v)
        case .real(let v): .real(v)
        case .text(let v): .text(v)
        case .blob(let v): .blob(v)
        }
    }

    init(_ value: SQLiteValue) {
        switch value {
        case .null: self = .null
        case .integer(let v): self = .integer(v)
        case .real(let v): self = .real(v)
        case .text(let v): self = .text(v)
        case .blob(let v): self = .blob(v)
        }
    }
}

extension CallFilter {
    /// `terms()` with SQLite's parameters.
    func clause() -> (sql: String, values: [any SQLiteBindable]) {
        let (sql, values) = terms()
        return (sql, values.map { $0 as any SQLiteBindable })
    }
}
