import ArchiveCore
import SQLite

// The core's types over an open SQLite connection, for the tests and the
// fuzzer's in-memory archive: what `SQLiteBackend` builds for a run.

extension CallArchive {
    package convenience init(connection: Connection) { self.init(backend: SQLiteBackend(db: connection, path: connection.path)) }
}

extension CallStore {
    package convenience init(db: Connection, runID: Int64?) throws { try self.init(rows: SQLiteCallRows(db: db), runID: runID) }
}

extension Archiver {
    package convenience init(db: Connection, options: Options) throws { self.init(rows: try SQLiteRunRows(db: db), options: options) }
}

extension Importer {
    package convenience init(db: Connection) throws { self.init(rows: try SQLiteRunRows(db: db)) }
}

extension Rebuilder {
    package init(db: Connection) throws { self.init(rows: try SQLiteRunRows(db: db)) }
}

extension Forgetter {
    package init(db: Connection) { self.init(rows: GivenIDRows(SQLiteDatabase(db))) }
}

extension Labeller {
    package init(db: Connection) { self.init(rows: GivenIDRows(SQLiteDatabase(db))) }
}
