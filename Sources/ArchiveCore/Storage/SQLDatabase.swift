/// The one seam under the statements the core writes once: a connection of
/// either backend, driven with the core's values (`SQLValue`) and SQL in the
/// backend's `dialect`. Each backend adapts its driver to it; what only one
/// database does well (COPY, SQLite's prepared-statement cache, its report
/// aggregates) stays behind `insert` and `callsChanged` (docs/architecture.md).
package protocol SQLDatabase: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs one statement written with `?` placeholders; returns the rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLValue]) throws -> Int
    /// Runs one query; `row` is called with each row, in order.
    func query(_ sql: String, _ values: [SQLValue], _ row: (SQLRow) throws -> Void) throws
    /// Runs `body` in a transaction (joined when one is open): committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T
    /// Writes `rows` into `table`'s `columns` in bulk, skipping rows whose
    /// key is there already when `conflictsIgnored`.
    func insert(_ table: String, columns: [String], rows: [[SQLValue]], conflictsIgnored: Bool) throws
    /// After calls were deleted, re-derived or loaded in bulk: SQLite folds
    /// its report aggregates; PostgreSQL has nothing derived to bring up to date.
    func callsChanged() throws
    /// After `copy` loaded whole tables with their own keys: SQLite folds
    /// its aggregates; PostgreSQL moves its sequences past the keys loaded
    /// and refreshes the planner's statistics.
    func loaded() throws
}

extension SQLDatabase {
    /// Every row, each turned into a `T`.
    package func rows<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (SQLRow) throws -> T) throws -> [T] {
        var out: [T] = []
        try query(sql, values) { out.append(try map($0)) }
        return out
    }

    /// The first row as a `T`, nil when there is none.
    package func first<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (SQLRow) throws -> T) throws -> T? {
        var out: T?
        try query(sql, values) { if out == nil { out = try map($0) } }
        return out
    }

    /// The first column of the first row as an integer (nil for NULL or no row).
    package func integer(_ sql: String, _ values: [SQLValue] = []) throws -> Int64? {
        try first(sql, values) { $0.optionalInt64(0) } ?? nil
    }
}
