internal import CPostgres
import Foundation

/// One connection to a PostgreSQL server through libpq. Like SQLite's
/// `Connection` it has one owner and one thread, so it is not `Sendable`.
/// Parameters go as text (`$1`, `$2`, …), results come back as text and the
/// row types parse them; nothing is interpolated into SQL by this layer.
public final class PostgresConnection {
    let handle: OpaquePointer
    /// The connection string without its password (`PostgresURL.redacted`).
    public let displayName: String
    private var isClosed = false
    private var prepared = 0
    /// Gets every statement run by `query` (a cursor's too), its parameters
    /// written in as literals: for benchmarks that replay exactly what a
    /// command ran with psql. Never set in normal use.
    public var trace: ((String) -> Void)?

    /// The SQLSTATE of a failed connection, from libpq's words: the server's
    /// own refusals (libpq hands over only the message) are told from a
    /// server that could not be reached, which a later run may find back.
    static func connectState(_ message: String) -> String {
        if message.contains("password authentication failed") { return PostgresError.State.invalidPassword }
        if message.contains("no pg_hba.conf entry") || (message.contains("role \"") && message.contains("does not exist")) {
            return PostgresError.State.invalidAuthorization
        }
        if message.contains("database \""), message.contains("does not exist") { return PostgresError.State.invalidCatalogName }
        if message.contains("the database system is") { return "57P03" }  // starting up, shutting down, in recovery
        return PostgresError.State.connectionFailure
    }

    /// Connects with a `postgresql://` or `postgres://` URL (or a libpq
    /// `key=value` string). The password comes from the URL, `PGPASSWORD`
    /// or `~/.pgpass`, as libpq reads them; it never appears in an error.
    public init(_ conninfo: String, applicationName: String = "callhist") throws(PostgresError) {
        displayName = PostgresURL.redacted(conninfo)
        // The application name goes as a separate keyword so that the URL is
        // passed to libpq untouched (expand_dbname parses it).
        let keys = ["dbname", "application_name", "client_encoding"]
        let values = [conninfo, applicationName, "UTF8"]
        let connection: OpaquePointer? = keys.withCStrings { k in values.withCStrings { v in PQconnectdbParams(k, v, 1) } }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let raw = connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? "out of memory"
            PQfinish(connection)
            throw PostgresError(
                sqlState: Self.connectState(raw), message: "cannot connect to \(displayName): \(raw.trimmingCharacters(in: .whitespacesAndNewlines))",
                sql: nil)
        }
        handle = connection
        // Notices ("relation … already exists, skipping") are not for people.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        // Times are bigint unix seconds; the session's zone matters only to
        // the views, which say UTC themselves. Text is compared byte-wise in
        // the schema's own collations.
        try execute("SET TIME ZONE 'UTC'")
    }

    deinit { if !isClosed { PQfinish(handle) } }

    public func close() {
        guard !isClosed else { return }
        PQfinish(handle)
        isClosed = true
    }

    /// Runs one or more statements that return no rows we need (a script).
    public func execute(_ sql: String) throws(PostgresError) {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    /// Runs one statement with its parameters and returns all its rows.
    @discardableResult
    public func query(_ sql: String, _ values: [any PostgresBindable] = []) throws(PostgresError) -> PostgresResult {
        trace?(Self.expand(sql, values))
        let result = withParameters(values) { count, pointers, lengths in
            PQexecParams(handle, sql, count, nil, pointers, lengths, nil, 0)
        }
        do { try check(result, sql: sql) } catch {
            PQclear(result)
            throw error
        }
        return PostgresResult(result!)
    }

    /// Reads a query's rows in batches through a cursor, inside one
    /// read-only, repeatable-read transaction (one consistent snapshot): an
    /// export of millions of rows never holds them all, and between batches
    /// the connection is free for other statements.
    public func cursor(_ sql: String, _ values: [any PostgresBindable] = [], batch: Int = 5000, _ body: (PostgresRow) throws -> Void) throws {
        let own = !isInTransaction
        if own { try execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") }
        do {
            prepared += 1
            let name = "callhist_cursor_\(prepared)"
            try query("DECLARE \(name) NO SCROLL CURSOR FOR \(sql)", values)
            while true {
                let rows = try query("FETCH FORWARD \(max(1, batch)) FROM \(name)")
                for k in 0..<rows.count { try body(rows[k]) }
                if rows.count < batch { break }
            }
            try execute("CLOSE \(name)")
            if own { try commit() }
        } catch {
            if own { rollback() }
            throw error
        }
    }

    /// A statement prepared once on the server, run many times.
    public func prepare(_ sql: String) throws(PostgresError) -> PostgresStatement {
        prepared += 1
        let name = "callhist_\(prepared)"
        let result = PQprepare(handle, name, sql, 0, nil)
        defer { PQclear(result) }
        try check(result, sql: sql)
        return PostgresStatement(connection: self, name: name, sql: sql)
    }

    func runPrepared(_ name: String, sql: String, _ values: [any PostgresBindable]) throws(PostgresError) -> PostgresResult {
        let result = withParameters(values) { count, pointers, lengths in
            PQexecPrepared(handle, name, count, pointers, lengths, nil, 0)
        }
        do { try check(result, sql: sql) } catch {
            PQclear(result)
            throw error
        }
        return PostgresResult(result!)
    }

    /// `COPY … FROM STDIN` (text format): `body` writes rows through the
    /// writer, which sends them in 256 KiB pieces. Returns the rows copied.
    @discardableResult
    public func copyIn(_ sql: String, _ body: (inout PostgresCopyWriter) throws -> Void) throws -> Int {
        let start = PQexec(handle, sql)
        let status = PQresultStatus(start)
        if status != PGRES_COPY_IN {
            defer { PQclear(start) }
            throw PostgresError.from(start, connection: handle, sql: sql)
        }
        PQclear(start)
        var writer = PostgresCopyWriter(connection: self)
        var failure: Error?
        do {
            try body(&writer)
            try writer.flush()
        } catch { failure = error }
        let ended = failure == nil ? PQputCopyEnd(handle, nil) : PQputCopyEnd(handle, "callhist stopped the copy")
        var serverError: PostgresError?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, serverError == nil {
                serverError = PostgresError.from(result, connection: handle, sql: sql)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        if ended != 1 { throw PostgresError.from(nil, connection: handle, sql: sql) }
        if let serverError { throw serverError }
        return writer.rows
    }

    func putCopyData(_ bytes: [UInt8]) throws(PostgresError) {
        let rc = bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32(buf.count)) }
        }
        guard rc == 1 else { throw PostgresError.from(nil, connection: handle, sql: "COPY") }
    }

    // MARK: Transactions

    public func begin() throws(PostgresError) { try execute("BEGIN") }

    /// Commits; on failure the transaction is gone (PostgreSQL rolls back a
    /// failed COMMIT), so the connection is never left inside one.
    public func commit() throws(PostgresError) {
        do { try execute("COMMIT") } catch {
            rollback()
            throw error
        }
    }

    public func rollback() { if isInTransaction { try? execute("ROLLBACK") } }

    public var isInTransaction: Bool { PQtransactionStatus(handle) != PQTRANS_IDLE }

    /// Runs `body` inside `BEGIN … COMMIT`; any error rolls back and is rethrown.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try begin()
        let result: T
        do { result = try body() } catch {
            rollback()
            throw error
        }
        try commit()
        return result
    }

    // MARK: Conveniences

    /// The first column of the first row as an integer; nil for no row or NULL.
    public func scalarInt(_ sql: String, _ values: [any PostgresBindable] = []) throws(PostgresError) -> Int64? {
        let r = try query(sql, values)
        return r.count > 0 ? r[0].optionalInt64(0) : nil
    }

    public func scalarString(_ sql: String, _ values: [any PostgresBindable] = []) throws(PostgresError) -> String? {
        let r = try query(sql, values)
        return r.count > 0 ? r[0].optionalString(0) : nil
    }

    // MARK: Internals

    /// `sql` with `$n` replaced by the value as a literal (highest n first,
    /// so `$1` never eats the start of `$10`).
    static func expand(_ sql: String, _ values: [any PostgresBindable]) -> String {
        var text = sql
        for (i, v) in values.enumerated().reversed() {
            let literal = v.postgresText.map { "'" + String(decoding: $0, as: UTF8.self).replacingOccurrences(of: "'", with: "''") + "'" } ?? "NULL"
            text = text.replacingOccurrences(of: "$\(i + 1)", with: literal)
        }
        return text
    }

    private func check(_ result: OpaquePointer?, sql: String) throws(PostgresError) {
        let status = result.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw PostgresError.from(result, connection: handle, sql: sql)
        }
    }

    /// Parameters as libpq wants them: pointers to text (NULL for SQL NULL) and lengths.
    private func withParameters<T>(
        _ values: [any PostgresBindable],
        _ body: (Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?) -> T
    ) -> T {
        // Each value NUL-terminated: libpq reads text parameters as C strings.
        let texts: [[CChar]?] = values.map { v in v.postgresText.map { $0.map { CChar(bitPattern: $0) } + [0] } }
        var pointers: [UnsafePointer<CChar>?] = []
        pointers.reserveCapacity(texts.count)
        var storage: [UnsafeMutablePointer<CChar>] = []
        defer { for pointer in storage { pointer.deallocate() } }
        for text in texts {
            guard let text else {
                pointers.append(nil)
                continue
            }
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: text.count)
            p.initialize(from: text, count: text.count)
            storage.append(p)
            pointers.append(UnsafePointer(p))
        }
        let lengths = texts.map { Int32(($0?.count ?? 1) - 1) }
        return pointers.withUnsafeBufferPointer { p in
            lengths.withUnsafeBufferPointer { l in body(Int32(values.count), p.baseAddress, l.baseAddress) }
        }
    }
}

@available(*, unavailable)
extension PostgresConnection: Sendable {}

extension Array where Element == String {
    /// NULL-terminated C string arrays, as PQconnectdbParams wants them.
    func withCStrings<T>(_ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let copies = map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        let pointers = copies.map { UnsafePointer($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
