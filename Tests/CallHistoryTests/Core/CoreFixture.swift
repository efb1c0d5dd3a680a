import Foundation
import FuseAPI
import TestSupport

@testable import ArchiveCore
@testable import CallHistory

/// A backend the core's behaviour is checked on.
enum CoreBackend: String {
    case sqlite, postgresql
}

/// A fresh, migrated, writable archive on one backend — a SQLite file in a
/// temporary folder, or a new database on the test run's throwaway
/// PostgreSQL cluster — and the core's own ways in: the facade, a store as a
/// run uses it, and the backend's `SQLDatabase` to look at what was written
/// (docs/architecture.md, "Tests"). The shared bodies (`*Behaviour`) use
/// nothing else, so every assertion runs on both backends.
final class CoreFixture {
    let backend: CoreBackend
    let archive: CallArchive
    let rows: any ArchiveRunRows
    let store: CallStore
    let dir: TemporaryDirectory
    var sql: any SQLDatabase { archive.backend.sql }

    init(_ backend: CoreBackend) throws {
        self.backend = backend
        dir = try TemporaryDirectory()
        switch backend {
        case .sqlite: archive = try CallArchive.openForWriting(dir.path("a.sqlite"))
        case .postgresql: archive = try CallArchive.openForWriting(try PostgresCluster.server().createDatabase("core"))
        }
        rows = try archive.backend.runRows()
        store = try CallStore(rows: rows.calls, runID: nil)
    }

    deinit { try? archive.close() }

    /// Stores a decoded answer as an archive run does: read ahead, in a batch.
    @discardableResult
    func store(_ id: String, _ status: CallStatus, at now: Int64) throws -> CallStore.Change {
        try rows.transaction {
            try rows.calls.prefetch([id])
            return try store.store(id, status, at: now)
        }
    }

    /// Stores a JSON body as an archive run does.
    @discardableResult
    func store(_ id: String, json: String, at now: Int64) throws -> CallStore.Change {
        try store(id, try StatusDecoder.decode(Array(json.utf8), format: .json), at: now)
    }

    func problem(_ id: String, outcome: String, http: Int?, message: String, at now: Int64) throws {
        try rows.transaction { try store.recordProblem(id, outcome: outcome, httpStatus: http, message: message, at: now) }
    }

    /// The first column of the first row, as text.
    func text(_ query: String, _ values: [SQLValue] = []) throws -> String? { try sql.first(query, values) { $0.optionalString(0) } ?? nil }
    func integer(_ query: String, _ values: [SQLValue] = []) throws -> Int64? { try sql.integer(query, values) }
    /// The first column of every row, as text.
    func texts(_ query: String, _ values: [SQLValue] = []) throws -> [String] { try sql.rows(query, values) { $0.string(0) } }

    /// A column of call `id`.
    func column(_ expression: String, of id: String = "c1") throws -> String? {
        try text("SELECT \(expression) FROM calls WHERE call_id = ?", [.text(id)])
    }

    /// A file in the fixture's folder.
    func write(_ name: String, _ text: String) throws -> String { try dir.write(name, text) }
}

func decoded(_ json: String) throws -> CallStatus { try StatusDecoder.decode(Array(json.utf8), format: .json) }

/// A test's value as the core's: integers, text, or NULL for nil.
func value(_ x: (any Sendable)?) -> SQLValue {
    switch x {
    case nil: .null
    case let v as Int: .integer(Int64(v))
    case let v as Int64: .integer(v)
    case let v as Bool: .integer(v ? 1 : 0)
    case let v as String: .text(v)
    case let v as SQLValue: v
    default: .text("\(x!)")
    }
}
