import ArchiveCore
import Foundation
import SQLite

/// Opens the archive file the way every command needs it.
package enum ArchiveFile {

    /// Opens (creating when missing) and migrates the archive for writing, in WAL mode.
    package static func openForWriting(_ path: String, busyTimeout: Duration = .seconds(10)) throws -> Connection {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { throw ArchiveError.isFolder(path: path) }
        // A new archive is born private (0600); SQLite gives its -wal and
        // -shm the archive's mode. An existing file keeps its mode.
        do {
            try PrivateFile.ensureExists(path)
        } catch {
            throw ArchiveError.cannotOpen(path: path, detail: error.reason)
        }
        // Another user's file that every user may read: what is written to
        // it is theirs to read (docs/reliability.md, "Private files").
        if let exposure = PrivateFile.exposure(of: path), exposure.owner != nil, exposure.openToOthers {
            throw ArchiveError.cannotOpen(
                path: path,
                detail:
                    "it \(exposure.description.dropFirst(path.count + 1)): phone numbers written to it could be read by anyone. Move it aside, or have its owner make it private (chmod 600, or 660 to share it with a group)"
            )
        }
        let db: Connection
        do {
            db = try Connection(path: path, mode: .readWriteCreate, busyTimeout: busyTimeout)
        } catch {
            throw ArchiveError.cannotOpen(path: path, detail: error.message)
        }
        _ = try Migrator.version(of: db)
        do {
            try db.enableWAL()
        } catch {
            throw error.isNotADatabase ? ArchiveError.notADatabase(path: path, detail: error.message) : error
        }
        // NORMAL is durable across process crashes in WAL mode (only a power
        // loss can undo the last commits); a bigger page cache keeps the call-id
        // B-trees in memory during large runs. Temporary tables (a run's ids)
        // stay on disk once large, so ten million ids cost no memory; a
        // batch's few multi-row statements keep their statement journals
        // small (docs/reports.md, "Speed"). A log that grew large (a run's,
        // `SQLiteRunRows.commit`) shrinks back to 64 MiB once copied.
        try db.execute("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA temp_store = FILE; PRAGMA journal_size_limit = 67108864")
        // Readers are never blocked, not even by the end of a run.
        try db.keepWALOnClose()
        try Migrator.migrate(db)
        // Changes another tool made to calls wait as deltas (the triggers
        // wrote them): every writer folds them first (docs/reports.md, "Speed").
        try db.transaction { try Aggregates.fold(db) }
        return db
    }

    /// Opens an existing archive for reading only; refuses a missing file,
    /// a non-database, or a schema newer than this binary knows.
    ///
    /// Readers need no write access (docs/schema.md, "Reading without write
    /// access"): a WAL file whose folder the reader cannot write, and whose
    /// -shm is missing or unreadable, cannot be opened the usual way (SQLite
    /// must create or map the -shm); it is then opened `immutable`, which
    /// reads the file alone. When a -wal file with pages the reader cannot
    /// use is there, the answer may miss the latest commits: `warn` says so.
    package static func openForReading(_ path: String, warn: (String) -> Void = { _ in }) throws -> Connection {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw ArchiveError.missing(path: path) }
        guard !isFolder.boolValue else { throw ArchiveError.isFolder(path: path) }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ArchiveError.cannotOpen(path: path, detail: "you have no permission to read it")
        }
        var db: Connection
        do {
            db = try Connection(path: path, mode: .readOnly)
        } catch {
            throw ArchiveError.cannotOpen(path: path, detail: error.message)
        }
        // The first read says whether this is a database at all.
        let version: Int
        do {
            do {
                version = try Migrator.version(of: db)
            } catch let error as SQLiteError where error.code == SQLiteError.Code.readOnly || error.code == SQLiteError.Code.cannotOpen {
                // The -shm could not be created or mapped: read the file alone.
                do {
                    db = try Connection(path: path, mode: .immutable)
                } catch {
                    throw ArchiveError.cannotOpen(path: path, detail: error.message)
                }
                version = try Migrator.version(of: db)
                if let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int, size > 0 {
                    // Not even the schema is in the file yet: nothing to show but an error.
                    guard version == Migrator.latestVersion else {
                        throw ArchiveError.cannotOpen(
                            path: path,
                            detail:
                                "its latest commits, the schema included, are still in its -wal file, which you cannot use without write access to its folder. "
                                + "The archive's owner can fold them into the file (`sqlite3 \(path) 'PRAGMA wal_checkpoint(TRUNCATE)'`), "
                                + "or give you a backup (`callhist backup`)")
                    }
                    warn(
                        "\(path) is read without its -wal file (\(size) bytes): you cannot write its folder, so SQLite cannot share the latest commits "
                            + "with you; the answer may miss them. The archive's owner can fold them into the file with "
                            + "`sqlite3 \(path) 'PRAGMA wal_checkpoint(TRUNCATE)'`, or give you a backup (`callhist backup`).")
                }
            }
        } catch let error as SQLiteError where error.isNotADatabase {
            throw ArchiveError.notADatabase(path: path, detail: error.message)
        }
        // Reports scan large tables: a bigger cache and memory-mapped reads.
        try db.execute("PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824")
        guard version <= Migrator.latestVersion else {
            throw ArchiveError.newerSchema(path: path, fileVersion: version, supportedVersion: Migrator.latestVersion)
        }
        guard version == Migrator.latestVersion else {
            throw ArchiveError.cannotOpen(
                path: path, detail: "schema version \(version) is older than \(Migrator.latestVersion); run `callhist migrate --db \(path)` first")
        }
        return db
    }
}
