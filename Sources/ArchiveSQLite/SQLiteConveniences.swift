import ArchiveCore
import SQLite

// The core's types over an open SQLite connection, for the SQLite-only
// tests (query plans, migrations, hardening) that hold the connection.

extension CallArchive {
    package convenience init(connection: Connection) { self.init(backend: SQLiteBackend(db: connection, path: connection.path)) }
}

extension CallStore {
    package convenience init(db: Connection, runID: Int64?) throws { try self.init(rows: SQLiteCallRows(db: db), runID: runID) }
}

extension Rebuilder {
    package init(db: Connection) throws { self.init(rows: try SQLiteRunRows(db: db)) }
}
