internal import CSQLite
import Foundation

/// One connection to a SQLite file. It has one owner and is used from one
/// thread at a time, so it is deliberately not `Sendable`.
public final class Connection {
    public enum Mode: Sendable {
        /// Read and write, creating the file when missing.
        case readWriteCreate
        /// Read and write an existing file.
        case readWrite
        /// Read only: never writes, never creates.
        case readOnly
        /// Read only, without locks and without the -wal and -shm files
        /// (SQLite's `immutable` URI parameter): for a WAL file in a folder
        /// the reader cannot write, where SQLite cannot create the -shm it
        /// needs. It sees what was checkpointed into the file, nothing more.
        case immutable
    }

    let handle: OpaquePointer
    public let path: String
    public let mode: Mode
    private var cache: [String: Statement] = [:]
    private var isClosed = false

    /// Opens `path`. `busyTimeout` is how long a statement waits for another
    /// connection's lock before failing with `SQLITE_BUSY`.
    public init(path: String, mode: Mode = .readWriteCreate, busyTimeout: Duration = .seconds(5)) throws(SQLiteError) {
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        case .immutable: flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
        }
        let rc = sqlite3_open_v2(mode == .immutable ? Self.immutableURI(path) : path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let error = SQLiteError.from(db, code: rc, sql: nil)
            sqlite3_close_v2(db)
            throw SQLiteError(extendedCode: error.extendedCode, message: "cannot open \(path): \(error.message)", sql: nil)
        }
        self.handle = db
        self.path = path
        self.mode = mode
        sqlite3_extended_result_codes(db, 1)
        // SQLite takes milliseconds here; a value in seconds would wait 1000× too little.
        let ms = busyTimeout / .milliseconds(1)
        sqlite3_busy_timeout(db, ms.isFinite ? Int32(clamping: Int64(max(0, min(ms, 1e9)))) : 0)
        try execute("PRAGMA foreign_keys = ON")
    }

    /// `file:PATH?immutable=1`, with the characters a URI filename gives a
    /// meaning to escaped (https://sqlite.org/uri.html).
    static func immutableURI(_ path: String) -> String {
        var escaped = ""
        for c in path.unicodeScalars {
            switch c {
            case "%": escaped += "%25"
            case "?": escaped += "%3f"
            case "#": escaped += "%23"
            default: escaped.unicodeScalars.append(c)
            }
        }
        // An absolute path needs the empty authority: file:///srv/a.sqlite.
        return "file:" + (escaped.hasPrefix("/") ? "//" : "") + escaped + "?immutable=1"
    }

    deinit {
        cache.removeAll()
        // close_v2 is safe whatever order statements and connection are freed in.
        if !isClosed { sqlite3_close_v2(handle) }
    }

    /// Closes the connection now, finalizing cached statements. Throws if a
    /// statement prepared by the caller is still alive (a leak).
    public func close() throws(SQLiteError) {
        guard !isClosed else { return }
        cache.removeAll()
        let rc = sqlite3_close(handle)
        guard rc == SQLITE_OK else { throw SQLiteError.from(handle, code: rc, sql: nil) }
        isClosed = true
    }

    /// Switches the file to WAL so readers and the writer do not block each other.
    public func enableWAL() throws(SQLiteError) {
        // Already WAL (every open but the first): setting it again takes locks for nothing.
        if try scalarString("PRAGMA journal_mode")?.lowercased() == "wal" { return }
        let mode = try scalarString("PRAGMA journal_mode = WAL")
        guard mode?.lowercased() == "wal" else {
            throw SQLiteError(
                extendedCode: SQLITE_ERROR, message: "could not switch \(path) to WAL (journal_mode is \(mode ?? "unknown"))",
                sql: "PRAGMA journal_mode = WAL")
        }
    }

    /// Leaves the WAL in place when this (last) connection closes, instead of
    /// checkpointing it and deleting the file: that final checkpoint needs an
    /// exclusive lock, and a reader starting in that instant would see
    /// "database is locked". Checkpoints still run as writes go on (passive,
    /// never blocking readers), so the WAL stays small.
    public func keepWALOnClose() throws(SQLiteError) {
        let rc = callhist_sqlite3_db_config_int(handle, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1)
        guard rc == SQLITE_OK else { throw SQLiteError.from(handle, code: rc, sql: nil) }
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        var errmsg: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errmsg)
        if rc != SQLITE_OK {
            let message = errmsg.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errmsg)
            throw SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: message, sql: sql)
        }
    }

    /// A new prepared statement, owned by the caller.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// A prepared statement kept for reuse: for SQL that runs once per call or row.
    public func cached(_ sql: String) throws(SQLiteError) -> Statement {
        if let s = cache[sql] { return s }
        let s = try Statement(connection: self, sql: sql)
        cache[sql] = s
        return s
    }

    /// Opens a write transaction (`BEGIN IMMEDIATE`: the write lock is taken
    /// now, so a busy archive fails here, not half-way through).
    public func begin() throws(SQLiteError) { try execute("BEGIN IMMEDIATE") }

    /// Commits the open transaction; on failure it is rolled back, so the
    /// connection is never left inside a transaction it cannot finish.
    public func commit() throws(SQLiteError) {
        do {
            try execute("COMMIT")
        } catch {
            rollback()
            throw error
        }
    }

    /// Rolls back the open transaction, if any. A failed COMMIT or an error
    /// SQLite already rolled back leaves none: then there is nothing to do.
    public func rollback() {
        if isInTransaction { try? execute("ROLLBACK") }
    }

    /// Runs `body` inside `begin … commit`. Any error rolls back and the
    /// first error is rethrown.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try begin()
        let result: T
        do {
            result = try body()
        } catch {
            rollback()
            throw error
        }
        try commit()
        return result
    }

    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    public var userVersion: Int {
        get throws(SQLiteError) { Int(try scalarInt("PRAGMA user_version") ?? 0) }
    }

    public func setUserVersion(_ v: Int) throws(SQLiteError) {
        try execute("PRAGMA user_version = \(v)")
    }

    public var changes: Int { Int(sqlite3_changes64(handle)) }
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// The first column of the first row as an integer, nil for no row or NULL.
    public func scalarInt(_ sql: String, _ values: [any SQLiteBindable] = []) throws(SQLiteError) -> Int64? {
        let s = try prepare(sql)
        try s.bind(values)
        return try s.step() ? s.optionalInt64(0) : nil
    }

    /// The first column of the first row as text, nil for no row or NULL.
    public func scalarString(_ sql: String, _ values: [any SQLiteBindable] = []) throws(SQLiteError) -> String? {
        let s = try prepare(sql)
        try s.bind(values)
        return try s.step() ? s.optionalString(0) : nil
    }

    /// Copies the whole database into `destination` with SQLite's online
    /// backup API: a consistent snapshot even while another connection writes.
    /// By default in one step, inside one read transaction: copied in slices,
    /// a backup restarts whenever another connection writes, and under a
    /// steady writer it would never finish (WAL lets that writer go on).
    public func backup(to destination: Connection, pagesPerStep: Int32 = -1) throws(SQLiteError) {
        guard let b = sqlite3_backup_init(destination.handle, "main", handle, "main") else {
            throw SQLiteError.from(destination.handle, code: sqlite3_errcode(destination.handle), sql: nil)
        }
        var rc: Int32
        repeat {
            rc = sqlite3_backup_step(b, pagesPerStep)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { sqlite3_sleep(20) }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        let finish = sqlite3_backup_finish(b)
        guard rc == SQLITE_DONE, finish == SQLITE_OK else {
            throw SQLiteError.from(destination.handle, code: rc == SQLITE_DONE ? finish : rc, sql: nil)
        }
    }

    /// Calls `body` with the SQL of every statement as it starts, parameters
    /// filled in (`sqlite3_expanded_sql`): for benchmarks that replay exactly
    /// what a command ran. The handler lives as long as the connection.
    public func trace(_ body: @escaping (String) -> Void) {
        let box = TraceBox(body)
        traceBox = box
        sqlite3_trace_v2(
            handle, UInt32(SQLITE_TRACE_STMT),
            { _, context, statement, _ in
                guard let context, let statement, let expanded = sqlite3_expanded_sql(OpaquePointer(statement)) else { return 0 }
                defer { sqlite3_free(expanded) }
                Unmanaged<TraceBox>.fromOpaque(context).takeUnretainedValue().body(String(cString: expanded))
                return 0
            }, Unmanaged.passUnretained(box).toOpaque())
    }

    private var traceBox: TraceBox?

    private final class TraceBox {
        let body: (String) -> Void
        init(_ body: @escaping (String) -> Void) { self.body = body }
    }

    /// The SQLite library version, for `doctor` and `--version`.
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}

/// One owner, one thread (SQLite's own locking is not what callhist relies
/// on): the type system says so, not a comment.
@available(*, unavailable)
extension Connection: Sendable {}
