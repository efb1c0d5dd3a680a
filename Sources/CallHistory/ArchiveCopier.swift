import ArchiveCore
import Foundation

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
        let reader = CopyEnd(source.backend.sql, name: source.path)
        let writer = CopyEnd(destination.backend.sql, name: destination.path)
        return try CallArchive.storage(destination.path) {
            var report = Report()
            try writer.write([(CopyTable.runs, try reader.rows(CopyTable.runs, callsFrom: nil, through: nil))], conflictsIgnored: true)
            var after = try writer.lastCallID()
            while true {
                let calls = try reader.calls(after: after, limit: chunk)
                guard let first = calls.first, let last = calls.last else { break }
                let lo = first[0].textValue ?? ""
                let hi = last[0].textValue ?? ""
                var batch: [(CopyTable, [[SQLValue]])] = [(CopyTable.calls, calls)]
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
                labelsAfter = (last[0].textValue ?? "", last[1].textValue ?? "", last[2].textValue ?? "")
            }
            try writer.finish()
            for table in CopyTable.all {
                report.tables.append(TableCount(table: table.name, source: try reader.count(table), destination: try writer.count(table)))
            }
            if let differs = report.tables.first(where: { $0.source != $0.destination }) {
                throw InputError(
                    """
                    the copy's \(differs.table) holds \(differs.destination) rows, the source \(differs.source): \
                    \(destination.path) was not empty, or holds other rows. Copy into a new archive.
                    """)
            }
            return report
        }
    }
}
