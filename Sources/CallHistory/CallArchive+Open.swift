@_exported import ArchiveCore
import ArchivePostgres
import ArchiveSQLite
import Foundation

/// Where `--db` points and which backend serves it: the one place that
/// knows both (docs/architecture.md). A `postgresql://` or `postgres://`
/// URL is a PostgreSQL database; anything else is a SQLite file.
extension CallArchive {
    /// The archive named by `--db`, else `CALLHIST_DB`, else `./callhist.sqlite`.
    public static func resolvePath(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option, !option.isEmpty { return option }
        if let env = environment["CALLHIST_DB"], !env.isEmpty { return env }
        return "callhist.sqlite"
    }

    /// An empty, migrated archive in memory: nothing touches a disk.
    public static func inMemory() throws -> CallArchive {
        try storage(":memory:") { CallArchive(backend: try SQLiteBackend.inMemory()) }
    }

    /// Opens (creating and migrating when needed) for writing, holding the
    /// run lock until `close()`: one writing run per archive file (several
    /// runs share a database: docs/postgresql.md). With `wait`, waits for
    /// another run instead of failing with `ArchiveError.busy`, telling
    /// `waiting` once which run it waits for.
    /// `warn` hears, once, when the file (or its -wal, -shm) is open to
    /// every user: another user's such file is refused (docs/reliability.md,
    /// "Private files").
    public static func openForWriting(
        _ path: String, wait: Bool = false, waiting: (RunLock.Holder) -> Void = { _ in }, warn: (String) -> Void = printWarning
    ) throws -> CallArchive {
        if PostgresBackend.serves(path) {
            return try storage(PostgresBackend.displayName(path)) { CallArchive(backend: try PostgresBackend(url: path, migrate: true)) }
        }
        let lock = try RunLock(archivePath: path, wait: wait, waiting: waiting)
        let archive = try storage(path) { CallArchive(backend: try SQLiteBackend.openForWriting(path), lock: lock) }
        try archive.recordPreviousEnd()
        let exposed = [path, path + "-wal", path + "-shm"].compactMap(PrivateFile.exposure(of:)).filter(\.openToOthers)
        if !exposed.isEmpty {
            warn(
                exposed.map(\.description).joined(separator: "; ")
                    + ". The archive holds phone numbers: chmod 600 (or 660 to share it with a group) \(exposed.map(\.path).joined(separator: " "))")
        }
        return archive
    }

    /// "callhist: warning: …" on stderr, control characters escaped.
    public static func printWarning(_ message: String) {
        FileHandle.standardError.write(Data("callhist: warning: \(SafeText.escape(message))\n".utf8))
    }

    /// Opens an existing archive read-only: the reader needs no write access
    /// to the file or its folder. With `traceSQL`, every statement run is
    /// appended to that file (scripts/bench-reports.sh replays them). `warn`
    /// gets, once, why an answer may be stale (a -wal file this reader
    /// cannot use); by default it goes to stderr.
    public static func openForReading(
        _ path: String, traceSQL: String? = nil,
        warn: (String) -> Void = printWarning
    ) throws -> CallArchive {
        let trace = try traceSQL.map(traceSink).map { sink in { (sql: String) in sink.write(Data((sql + ";\n").utf8)) } }
        if PostgresBackend.serves(path) {
            return try storage(PostgresBackend.displayName(path)) {
                CallArchive(backend: try PostgresBackend(url: path, migrate: false, trace: trace))
            }
        }
        return try storage(path) { CallArchive(backend: try SQLiteBackend.openForReading(path, trace: trace, warn: warn)) }
    }

    /// The file statements are traced to, appended to: created 0600, never
    /// through a link (they quote phone numbers a filter named).
    private static func traceSink(_ path: String) throws -> FileHandle {
        FileHandle(fileDescriptor: try PrivateFile.openForAppending(path), closeOnDealloc: true)
    }

    /// For a dry run: the archive read-only when it exists, else an empty
    /// one in memory (what a first run would start from). Writes nothing.
    public static func openForPlanning(_ path: String) throws -> CallArchive {
        try exists(path) ? try openForReading(path) : try inMemory()
    }

    /// True when `location` may hold an archive already: a database (its
    /// server decides), or a file that exists.
    public static func exists(_ location: String) -> Bool {
        PostgresBackend.serves(location) || FileManager.default.fileExists(atPath: location)
    }

    /// True when the archive is one file that other tools open directly
    /// (sqlite3, Datasette, DB Browser).
    public static func isFile(_ location: String) -> Bool { !PostgresBackend.serves(location) }

    /// How output names an archive: a file's path, a database's URL without its password.
    public static func displayName(_ location: String) -> String {
        PostgresBackend.serves(location) ? PostgresBackend.displayName(location) : location
    }
}
