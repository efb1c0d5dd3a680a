/// One forward-only schema change (`Migrations/*.sql` for SQLite,
/// `Migrations/postgresql/*.sql` for PostgreSQL), embedded in the binary at
/// build time. Its version is the number its file name starts with
/// (`0002_add_x.sql` is version 2); the build (the EmbedMigrations plugin)
/// refuses gaps and duplicates.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    /// Every migration of one dialect, in order.
    package static func all(_ embedded: [(name: String, sql: String)]) -> [Migration] {
        embedded.map { Migration(version: Int($0.name.prefix { $0.isNumber }) ?? 0, name: $0.name, sql: $0.sql) }
    }

    /// The SQLite schema's migrations.
    package static let sqlite = all(embeddedMigrations)
    /// The PostgreSQL schema's migrations.
    package static let postgresql = all(embeddedPostgresMigrations)
}
