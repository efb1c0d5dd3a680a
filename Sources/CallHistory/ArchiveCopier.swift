import Foundation
import Postgres
import SQLite

/// `callhist copy --from A --to B`: moves an archive between backends
/// (SQLite → PostgreSQL to graduate, PostgreSQL → SQLite for a local copy;
/// docs/postgresql.md). It streams: calls go in chunks of `chunk`, each
/// chunk with its snapshots, events and status changes in one destination
/// transaction, so a killed copy leaves whole calls behind and the next
/// copy carries on after the last one the destination holds. The end
/// compares every table's count on both sides.
public struct ArchiveCopier {
    public struct TableCount: Sendable, Equatable {
        public var table: String
        public var source: Int
        public var destination: Int
    }

    public struct Report: Sendable {
        /// Calls written by this copy (those already there were skipped).
        public var copiedCalls = 0
        public var tables: [TableCount] = []
    }

    public let chunk: Int

    public init(chunk: Int = 5000) { self.chunk = max(1, chunk) }

    /// Copies `from` into `to` (created and migrated when needed), telling
    /// `progress` the calls copied so far.
    public func copy(from: String, to: String, progress: (Int) -> Void = { _ in }) throws -> Report {
        guard CallArchive.displayName(from) != CallArchive.displayName(to) || from != to else {
            throw InputError("--from and --to are the same archive")
        }
        let source = try CallArchive.openForReading(from)
        defer { try? source.close() }
        let destination = try CallArchive.openForWriting(to)
        defer { try? destination.close() }
        let reader = try Self.end(source.backend)
        let writer = try Self.end(destination.backend)
        return try CallArchive.storage(destination.path) {
            var report = Report()
            try writer.write([(CopyTable.runs, try reader.rows(CopyTable.runs, callsFrom: nil, through: nil))], conflictsIgnored: true)
            var after = try writer.lastCallID()
            while true {
                let calls = try reader.calls(after: after, limit: chunk)
                guard let first = calls.first, let last = calls.last else { break }
                let lo = first[0].text ?? "", hi = last[0].text ?? ""
                var batch: [(CopyTable, [[CopyValue]])] = [(CopyTable.calls, calls)]
                for table in [CopyTable.snapshots, .events, .statusChanges] {
                    batch.append((table, try reader.rows(table, callsFrom: lo, through: hi)))
                }
                try writer.write(batch, conflictsIgnored: false)
                report.copiedCalls += calls.count
                progress(report.copiedCalls)
                after = hi
            }
            // Labels have no foreign key (an id's labels may precede its
            // call), so they go as their own table, after the last one there.
            var labelsAfter = try writer.lastLabel()
            while true {
                let labels = try reader.labels(after: labelsAfter, limit: chunk * 4)
                guard let last = labels.last else { break }
                try writer.write([(CopyTable.labels, labels)], conflictsIgnored: false)
                labelsAfter = (last[0].text ?? "", last[1].text ?? "", last[2].text ?? "")
            }
            try writer.finish()
            for table in CopyTable.all {
                report.tables.append(TableCount(table: table.name, source: try reader.count(table), destination: try writer.count(table)))
            }
            if let differs = report.tables.first(where: { $0.source != $0.destination }) {
                throw InputError("""
                    the copy's \(differs.table) holds \(differs.destination) rows, the source \(differs.source): \
                    \(destination.path) was not empty, or holds other rows. Copy into a new archive.
                    """)
            }
            return report
        }
    }
}

extension ArchiveCopier {
    static func end(_ backend: any ArchiveBackend) throws -> any CopyEnd {
        if let sqlite = backend as? SQLiteBackend { return SQLiteCopyEnd(db: sqlite.db, path: sqlite.path) }
        if let postgres = backend as? PostgresBackend { return PostgresCopyEnd(db: postgres.db) }
        throw StorageError(.other, path: backend.path, detail: "copy knows SQLite and PostgreSQL archives only")
    }
}

/// One value crossing between backends.
enum CopyValue {
    case null, integer(Int64), text(String), bytes([UInt8])
    var text: String? { if case .text(let s) = self { s } else { nil } }
}

/// A table `copy` moves: its columns (shared by both schemas) and which
/// are integers and which the verbatim body.
struct CopyTable {
    let name: String
    let columns: [String]
    let integers: Set<String>
    var bytes: String? = nil
    /// The column that ties a row to its call, for the chunk's range.
    var callColumn = "call_id"
    var order: String

    static let runs = CopyTable(name: "archive_runs", columns: ["run_id", "kind", "started_at", "ended_at", "requested", "fetched", "changed", "unchanged",
                                                              "not_found", "forbidden", "failed", "left_over", "http_requests", "exit_code", "message",
                                                              "version", "host"],
                                integers: ["run_id", "started_at", "ended_at", "requested", "fetched", "changed", "unchanged", "not_found", "forbidden",
                                           "failed", "left_over", "http_requests", "exit_code"], order: "run_id")
    static let calls = CopyTable(name: "calls", columns: ["call_id", "status", "phone_number", "attempts", "max_attempts", "queued_timestamp",
                                                        "start_timestamp", "end_timestamp", "last_attempt_timestamp", "reattempt_wait", "duration",
                                                        "success", "snapshot_id", "is_final", "is_stale", "first_seen_at", "first_seen_run",
                                                        "last_fetched_at", "last_success_at", "next_check_at", "unchanged_checks", "last_outcome",
                                                        "last_http_code", "last_error", "event_duration", "failed_checks", "event_disorder"],
                                 integers: ["attempts", "max_attempts", "queued_timestamp", "start_timestamp", "end_timestamp", "last_attempt_timestamp",
                                            "reattempt_wait", "duration", "success", "snapshot_id", "is_final", "is_stale", "first_seen_at",
                                            "first_seen_run", "last_fetched_at", "last_success_at", "next_check_at", "unchanged_checks",
                                            "last_http_code", "event_duration", "failed_checks", "event_disorder"], order: "call_id")
    static let snapshots = CopyTable(name: "call_snapshots", columns: ["snapshot_id", "call_id", "body_sha256", "format", "body", "first_seen_at",
                                                                     "last_seen_at", "first_run_id", "times_seen"],
                                     integers: ["snapshot_id", "first_seen_at", "last_seen_at", "first_run_id", "times_seen"], bytes: "body",
                                     order: "call_id, snapshot_id")
    static let events = CopyTable(name: "call_events", columns: ["call_id", "seq", "event", "timestamp"], integers: ["seq", "timestamp"],
                                  order: "call_id, seq")
    static let statusChanges = CopyTable(name: "status_changes", columns: ["change_id", "call_id", "old_status", "new_status", "observed_at", "run_id"],
                                         integers: ["change_id", "observed_at", "run_id"], order: "call_id, change_id")
    static let labels = CopyTable(name: "call_labels", columns: ["call_id", "name", "value"], integers: [], order: "call_id, name, value")
    static let all = [runs, calls, snapshots, events, statusChanges, labels]
}

/// Reading and writing the copied tables on one backend.
protocol CopyEnd {
    func rows(_ table: CopyTable, callsFrom lo: String?, through hi: String?) throws -> [[CopyValue]]
    func calls(after: String?, limit: Int) throws -> [[CopyValue]]
    func labels(after: (String, String, String)?, limit: Int) throws -> [[CopyValue]]
    func lastCallID() throws -> String?
    func lastLabel() throws -> (String, String, String)?
    func write(_ batch: [(CopyTable, [[CopyValue]])], conflictsIgnored: Bool) throws
    func count(_ table: CopyTable) throws -> Int
    func finish() throws
}

