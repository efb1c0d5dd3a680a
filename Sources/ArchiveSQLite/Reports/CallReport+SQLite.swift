import ArchiveCore
import FuseAPI
import SQLite

extension CallReport {
    /// nil when the archive has never seen `id`.
    package static func run(_ db: Connection, id: String) throws -> CallReport? {
        var report = CallReport()
        let row = try db.prepare("SELECT * FROM calls WHERE call_id = ?")
        guard try row.first([id], { r in
            report.fields = (0..<r.columnCount).map { (r.columnName($0), SQLValue(r.value($0))) }
        }) != nil else { return nil }
        // Time order (then list order): the API's list may be out of order.
        report.events = timeline(try db.prepare("SELECT seq, event, timestamp FROM call_events WHERE call_id = ? ORDER BY timestamp IS NULL, timestamp, seq")
            .map([id]) { (seq: $0.int(0), event: $0.string(1), timestamp: $0.optionalInt64(2)) })
        report.deriveTimes()
        report.statusChanges = try db.prepare("SELECT old_status, new_status, observed_at, run_id FROM status_changes WHERE call_id = ? ORDER BY change_id")
            .map([id]) { StatusChange(oldStatus: $0.optionalString(0), newStatus: $0.string(1), observedAt: $0.int64(2), runID: $0.optionalInt64(3)) }
        report.snapshots = try db.prepare("""
            SELECT s.snapshot_id, s.body_sha256, s.format, s.first_seen_at, s.last_seen_at, s.times_seen, s.snapshot_id = c.snapshot_id
            FROM call_snapshots s JOIN calls c USING (call_id) WHERE s.call_id = ? ORDER BY s.snapshot_id
            """).map([id]) { Snapshot(snapshotID: $0.int64(0), sha256: $0.string(1), format: $0.string(2), firstSeenAt: $0.int64(3),
                                      lastSeenAt: $0.int64(4), timesSeen: $0.int(5), current: $0.int(6) != 0) }
        return report
    }
}
