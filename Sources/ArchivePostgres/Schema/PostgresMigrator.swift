import ArchiveCore
import Postgres

/// The PostgreSQL schema's forward-only migrations (`Migrations/postgresql/`,
/// embedded like SQLite's), tracked in `callhist_schema`. Every run of them
/// holds a transaction-level advisory lock, so two hosts starting at once
/// never migrate twice (docs/postgresql.md).
package enum PostgresMigrator {
    package static let all = Migration.postgresql
    package static var latestVersion: Int { all.last?.version ?? 0 }

    /// The advisory lock key of whatever must run alone on one database
    /// (migrate, rebuild): "callhist" in ASCII, as a bigint.
    package static let exclusiveKey: Int64 = 0x6361_6c6c_6869_7374

    /// The first migration: the schema PostgreSQL began with, at SQLite's
    /// version 6, so that both backends report one version number.
    package static var baseline: Int { all.first?.version ?? 1 }

    /// The database's schema version; 0 when callhist has not created it.
    /// The first releases recorded the baseline as version 1: that is `baseline`.
    package static func version(of db: PostgresConnection) throws -> Int {
        guard try db.scalarString("SELECT to_regclass('callhist_schema')::text") != nil else { return 0 }
        let recorded = Int(try db.scalarInt("SELECT max(version) FROM callhist_schema") ?? 0)
        return recorded > 0 && recorded < baseline ? baseline : recorded
    }

    /// Brings the database to the latest version, all in one transaction
    /// under the advisory lock (a second host waits, then finds it done).
    @discardableResult
    package static func migrate(_ db: PostgresConnection, name: String) throws -> (from: Int, to: Int) {
        // Up to date (every open but the first): no lock, so a run opening
        // never waits for the runs already going.
        let found = try version(of: db)
        if found == latestVersion { return (found, found) }
        return try db.transaction {
            try db.query("SELECT pg_advisory_xact_lock($1)", [exclusiveKey])
            try db.execute("CREATE TABLE IF NOT EXISTS callhist_schema (version integer NOT NULL, applied_at bigint NOT NULL)")
            let current = try version(of: db)
            guard current <= latestVersion else {
                throw ArchiveError.newerSchema(path: name, fileVersion: current, supportedVersion: latestVersion)
            }
            for migration in all where migration.version > current {
                do {
                    try db.execute(migration.sql)
                } catch let error as PostgresError {
                    throw ArchiveError.migrationFailed(path: name, migration: "postgresql/\(migration.name)", detail: error.description)
                }
                try db.query("INSERT INTO callhist_schema (version, applied_at) VALUES ($1, extract(epoch FROM now())::bigint)", [migration.version])
            }
            return (current, max(current, latestVersion))
        }
    }
}
