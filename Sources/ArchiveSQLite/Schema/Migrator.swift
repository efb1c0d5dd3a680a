import ArchiveCore
import SQLite

/// Applies the forward-only migrations in `Migrations/` (embedded in the
/// binary at build time) and tracks them with `PRAGMA user_version`.
public enum Migrator {
    /// Every migration, in order.
    public static let all = Migration.sqlite

    public static var latestVersion: Int { all.last?.version ?? 0 }

    /// Brings `db` up to `target` (default: the latest version), each
    /// migration in its own transaction. Returns the versions before and after.
    @discardableResult
    public static func migrate(_ db: Connection, to target: Int = latestVersion) throws -> (from: Int, to: Int) {
        let current = try version(of: db)
        guard current <= latestVersion else {
            throw ArchiveError.newerSchema(path: db.path, fileVersion: current, supportedVersion: latestVersion)
        }
        for migration in all where migration.version > current && migration.version <= target {
            do {
                try db.transaction {
                    try db.execute(migration.sql)
                    if let violation = try db.scalarString("SELECT \"table\" FROM pragma_foreign_key_check LIMIT 1") {
                        throw SQLiteError(extendedCode: 787, message: "foreign key violation in table \(violation)", sql: "PRAGMA foreign_key_check")
                    }
                    try db.setUserVersion(migration.version)
                }
            } catch let error as SQLiteError {
                throw ArchiveError.migrationFailed(path: db.path, migration: migration.name, detail: error.description)
            }
        }
        return (current, max(current, min(target, latestVersion)))
    }

    /// The file's schema version, turning "not a database" into a clear error.
    public static func version(of db: Connection) throws -> Int {
        do {
            // Reading the schema forces SQLite to read the header; a file that
            // is not a database fails here rather than later.
            _ = try db.scalarInt("SELECT count(*) FROM sqlite_schema")
            return try db.userVersion
        } catch  where error.isNotADatabase {
            throw ArchiveError.notADatabase(path: db.path, detail: error.message)
        }
    }
}
