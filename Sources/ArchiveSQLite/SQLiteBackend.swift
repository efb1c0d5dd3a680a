import ArchiveCore
import Foundation
import FuseAPI
import SQLite

/// The SQLite archive: one file, WAL mode, the schema of docs/schema.md.
/// Every SQL statement callhist runs against an archive is here or in the
/// types this backend drives (`CallStore`, `Archiver`, `Importer`,
/// `Rebuilder`, `Exporter`).
package final class SQLiteBackend: ArchiveBackend {
    package let db: Connection
    package let path: String

    package init(db: Connection, path: String) {
        self.db = db
        self.path = path
    }

    /// Opens (creating when missing) and migrates `path` for writing; the
    /// caller holds its `RunLock`.
    package static func openForWriting(_ path: String) throws -> SQLiteBackend {
        SQLiteBackend(db: try ArchiveFile.openForWriting(path), path: path)
    }

    /// Opens an existing archive read-only; `trace` sees every statement run.
    package static func openForReading(_ path: String, trace: ((String) -> Void)? = nil, warn: (String) -> Void = { _ in }) throws -> SQLiteBackend {
        let db = try ArchiveFile.openForReading(path, warn: warn)
        if let trace { db.trace(trace) }
        return SQLiteBackend(db: db, path: path)
    }

    /// An empty, migrated archive in memory.
    package static func inMemory() throws -> SQLiteBackend {
        let db = try Connection(path: ":memory:")
        try Migrator.migrate(db)
        return SQLiteBackend(db: db, path: ":memory:")
    }

    // MARK: Report primitives

    /// Read the aggregates (`AggregatePrimitives`) where they answer the
    /// filter; tests turn this off to compare with the plain scan.
    package var useAggregates = true

    /// The aggregates know no phone numbers and no labels: such a filter
    /// scans (its index: calls_phone, call_labels_name_value).
    private func fast(_ filter: CallFilter) -> Bool { useAggregates && filter.phone == nil && filter.labels.isEmpty }
    private var aggregate: AggregatePrimitives { AggregatePrimitives(db: db) }
    private var scan: ScanPrimitives { ScanPrimitives(db: db) }

    package func statusCounts(_ filter: CallFilter) throws -> [String: Int] {
        fast(filter) ? try aggregate.statusCounts(filter) : try scan.statusCounts(filter)
    }

    package func finalAttemptGroups(_ filter: CallFilter) throws -> [AttemptGroup] {
        fast(filter) ? try aggregate.finalAttemptGroups(filter) : try scan.finalAttemptGroups(filter)
    }

    package func durationHistogram(_ filter: CallFilter) throws -> [(value: Int64, count: Int)] {
        fast(filter) ? try aggregate.durationHistogram(filter) : try scan.durationHistogram(filter)
    }

    package func unknownDurations(_ filter: CallFilter) throws -> Int {
        fast(filter) ? try aggregate.unknownDurations(filter) : try scan.unknownDurations(filter)
    }

    package func quarterHours(_ filter: CallFilter) throws -> [QuarterHour] {
        fast(filter) ? try aggregate.quarterHours(filter) : try scan.quarterHours(filter)
    }

    package func answeredQuarters(_ filter: CallFilter) throws -> [Int64: Int] { try scan.answeredQuarters(filter) }

    /// From `call_quarter_durations` unless the filter names a phone or labels.
    package func quarterDurations(_ filter: CallFilter, _ visit: (DurationSlot) -> Void) throws {
        if fast(filter) { try aggregate.quarterDurations(filter, visit) } else { try scan.quarterDurations(filter, visit) }
    }

    // MARK: Labels

    private var labels: LabelPrimitives { LabelPrimitives(db: db) }
    package func labelGroups(_ name: String, _ filter: CallFilter) throws -> [LabelGroup] { try labels.groups(name, filter) }
    package func labelDurations(_ name: String, _ filter: CallFilter) throws -> [(value: String, duration: Int64, count: Int)] {
        try labels.durations(name, filter)
    }
    package func labelQuarterHours(_ name: String, _ filter: CallFilter) throws -> [String: [QuarterHour]] { try labels.quarterHours(name, filter) }

    // MARK: Anomaly candidates

    private var anomaly: AnomalyPrimitives { AnomalyPrimitives(db: db) }
    package func suspectCalls(_ filter: CallFilter) throws -> [AnomalyFacts.SuspectCall] { try anomaly.suspectCalls(filter) }

    // MARK: Whole-archive operations

    package func runRows() throws -> any ArchiveRunRows { try SQLiteRunRows(db: db) }
    package var sql: any SQLDatabase { SQLiteDatabase(db) }
    /// The run lock already keeps every other writer out of the file.
    package func alone<T>(_ others: String, _ body: () throws -> T) throws -> T { try body() }

    package func export(_ table: Exporter.Table, format: Exporter.Format, filter: CallFilter, zone: TimeZone?, to sink: OutputSink) throws -> Int {
        try SQLiteExporter(db: db).export(table, format: format, filter: filter, zone: zone, to: sink)
    }

    /// SQLite's online backup into a temporary file beside `destination`
    /// with the archive's mode (a private archive makes a private backup),
    /// checked, then renamed over it. Returns the copy's number of calls.
    package func backup(to destination: String) throws -> Int {
        guard
            URL(fileURLWithPath: destination).standardizedFileURL.resolvingSymlinksInPath()
                != URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        else {
            throw InputError("\(destination) is the archive itself; choose another destination")
        }
        let mode = PrivateFile.mode(of: path) ?? PrivateFile.defaultMode
        AtomicRename.removeAbandoned(for: destination)
        let temporary = AtomicRename.temporaryPath(for: destination)
        do {
            _ = Foundation.close(try PrivateFile.create(temporary, mode: mode, destination: destination))
            let calls: Int
            do {
                let copy = try Connection(path: temporary)
                try db.backup(to: copy)
                guard try copy.scalarString("PRAGMA quick_check") == "ok" else { throw InputError("the copy failed its integrity check") }
                calls = Int(try copy.scalarInt("SELECT count(*) FROM calls") ?? 0)
                try copy.close()
            } catch let error as SQLiteError where error.code == SQLiteError.Code.full || error.code == SQLiteError.Code.ioError {
                // The copy's disk, not the archive's: say which.
                let what = error.code == SQLiteError.Code.full ? "the disk holding it is full" : "writing it failed"
                throw OutputError(
                    destination: destination,
                    reason: "\(what) (\(error.plainMessage)); the archive is untouched"
                )
            }
            try AtomicRename.move(temporary, over: destination, mode: mode)
            return calls
        } catch {
            unlink(temporary)
            throw error
        }
    }

    package func checks() throws -> [ArchiveCheck] {
        var out: [ArchiveCheck] = []
        out.append(.init(.ok, "\(path) opens; schema version \(try schemaVersion) (SQLite \(Connection.libraryVersion))"))
        let integrity = try db.scalarString("PRAGMA integrity_check") ?? "?"
        out.append(.init(integrity == "ok" ? .ok : .fail, "integrity_check: \(integrity)"))
        let fk = try db.scalarInt("SELECT count(*) FROM pragma_foreign_key_check") ?? 0
        out.append(.init(fk == 0 ? .ok : .fail, "foreign_key_check: \(fk) violations"))
        let orphans =
            try db.scalarInt("SELECT count(*) FROM call_events e LEFT JOIN calls c USING (call_id) WHERE c.call_id IS NULL OR c.snapshot_id IS NULL")
            ?? 0
        out.append(.init(orphans == 0 ? .ok : .fail, "orphan events: \(orphans)"))
        let waiting = try db.scalarInt("SELECT count(*) FROM call_deltas") ?? 0
        if waiting > 100_000 {
            out.append(
                .init(
                    .warn,
                    "\(waiting) changes to calls wait to be folded into the report aggregates (another tool wrote calls): reports stay exact but slower until any callhist archive, import or migrate folds them"
                ))
        }
        let drift = try Aggregates.mismatches(db)
        out.append(
            .init(
                drift == 0 ? .ok : .fail,
                drift == 0
                    ? "report aggregates match a recount of calls"
                    : "report aggregates: \(drift) buckets differ from a recount of calls; run callhist rebuild to recompute them"))
        let counts = try db.prepare(
            """
            SELECT count(*), sum(is_final = 0 AND status IS NOT NULL), sum(is_stale <> 0), sum(status IS NULL) FROM calls
            """
        ).first([]) { ($0.int(0), $0.int(1), $0.int(2), $0.int(3)) }!
        out.append(.init(.info, "\(counts.0) calls: \(counts.1) pending, \(counts.2) stale, \(counts.3) never fetched successfully"))
        if let last = try db.prepare("SELECT run_id, kind, started_at, ended_at, exit_code, message FROM archive_runs ORDER BY run_id DESC LIMIT 1")
            .first(
                [],
                {
                    (
                        id: $0.int64(0), kind: $0.string(1), started: $0.int64(2), ended: $0.optionalInt64(3), exit: $0.optionalInt(4),
                        message: $0.optionalString(5)
                    )
                })
        {
            let when =
                FieldBounds.timestamp.contains(last.started)
                ? ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(last.started))) : "@\(last.started)"
            if last.ended == nil {
                // The lock tells a running run (a process holds it) from a killed one.
                if let holder = RunLock.holder(of: path) {
                    out.append(.init(.info, "last run \(last.id) (\(last.kind), started \(when)) is still running: \(holder) holds the lock"))
                } else if let kept = RunLock.unrecordedEnd(of: path), kept.runID == last.id, let end = kept.end {
                    out.append(
                        .init(
                            .warn,
                            "last run \(last.id) (\(last.kind), started \(when)) exited \(end.exitCode): \(end.message) (kept in the lock file: its row could not take it; the next run records it)"
                        ))
                } else {
                    out.append(
                        .init(
                            .warn,
                            "last run \(last.id) (\(last.kind), started \(when)) was killed: it never finished and no process holds the lock. The next run carries on; nothing needs repair."
                        ))
                }
            } else if last.exit != 0 {
                out.append(.init(.warn, "last run \(last.id) (\(last.kind), \(when)) exited \(last.exit ?? -1): \(last.message ?? "")"))
            } else {
                out.append(.init(.ok, "last run \(last.id) (\(last.kind), \(when)) exited 0"))
            }
            let age = SafeMath.minus(Int64(Date().timeIntervalSince1970), last.started) ?? 0
            if age > 2 * 86_400 { out.append(.init(.warn, "no run for \(age / 86_400) days: is the nightly job installed?")) }
        } else {
            out.append(.init(.info, "no archive run yet"))
        }
        return out
    }

    package var schemaVersion: Int { get throws { try Migrator.version(of: db) } }

    package func close() throws { try db.close() }
}
