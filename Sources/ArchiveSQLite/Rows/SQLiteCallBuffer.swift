import ArchiveCore
import FuseAPI
import SQLite

/// The writes of calls that had no body before this batch (the bulk of a
/// first run or an import), held until the batch commits and then written
/// with a few multi-row statements (`MultiRowInsert`) instead of four to
/// nine statements a call: their first snapshots (ids given by
/// `SQLiteCallRows`, as SQLite would give them), the calls (an upsert:
/// inserted when new, filled in when remembered before their first
/// answer, as `CallStatements.insertCall` and `derive` would), their
/// status changes and their events.
package struct SQLiteCallBuffer {
    private var ids: Set<String> = []
    private var snapshots: [any SQLiteBindable] = []
    private var calls: [any SQLiteBindable] = []
    private var changes: [any SQLiteBindable] = []
    private var events: [any SQLiteBindable] = []

    package var isEmpty: Bool { ids.isEmpty }
    package func holds(_ id: String) -> Bool { ids.contains(id) }

    package mutating func snapshot(_ snapshotID: Int64, _ id: String, sha256: String, format: String, body: [UInt8], at now: Int64, run: Int64?) {
        ids.insert(id)
        snapshots += [snapshotID, id, sha256, format, TextBytes(body), now, now, SQLValue(run)] as [any SQLiteBindable]
    }

    package mutating func call(_ d: DerivedRow, refusal: String?, at now: Int64, run: Int64?, quiet: Int, nextCheck: Int64, outcome: String) {
        ids.insert(d.id)
        calls += d.values as [any SQLiteBindable]
        calls +=
            [
                SQLValue(refusal), .integer(now), SQLValue(run), .integer(now), .integer(now), .integer(nextCheck), .integer(Int64(quiet)),
                .text(outcome), .integer(200),
            ] as [SQLValue] as [any SQLiteBindable]
    }

    package mutating func statusChange(_ id: String, old: String?, new: String, at now: Int64, run: Int64?) {
        ids.insert(id)
        changes += [id, SQLValue(old), new, now, SQLValue(run)] as [any SQLiteBindable]
    }

    package mutating func events(_ id: String, _ list: [CallStatus.Event]) {
        ids.insert(id)
        events += Self.eventRows(id, list)
    }

    /// A call's events as `call_events` rows: id, position, event, timestamp.
    package static func eventRows(_ id: String, _ list: [CallStatus.Event]) -> [any SQLiteBindable] {
        var rows: [any SQLiteBindable] = []
        rows.reserveCapacity(list.count * 4)
        for (seq, e) in list.enumerated() { rows += [id, seq, e.event, SQLValue(e.timestamp)] as [any SQLiteBindable] }
        return rows
    }

    /// The statements that write a buffer, prepared once per connection.
    package struct Writers {
        let snapshots: MultiRowInsert
        let calls: MultiRowInsert
        let changes: MultiRowInsert
        let events: MultiRowInsert

        package init(_ db: Connection) {
            snapshots = MultiRowInsert(
                db, "INSERT INTO call_snapshots (snapshot_id, call_id, body_sha256, format, body, first_seen_at, last_seen_at, first_run_id)",
                width: 8)
            calls = MultiRowInsert(
                db, "INSERT INTO calls (\(CallStatements.firstAnswerColumns.joined(separator: ", ")))",
                width: CallStatements.firstAnswerColumns.count, tail: CallStatements.firstAnswerUpsert)
            changes = MultiRowInsert(db, "INSERT INTO status_changes (call_id, old_status, new_status, observed_at, run_id)", width: 5)
            // A call without a body has no events; should another tool have
            // written some, the answer's replace those at the same positions.
            events = MultiRowInsert(
                db, "INSERT INTO call_events (call_id, seq, event, timestamp)", width: 4,
                tail: "ON CONFLICT (call_id, seq) DO UPDATE SET event = excluded.event, timestamp = excluded.timestamp")
        }
    }

    /// Writes everything, calls before their status changes and events,
    /// whose foreign keys to `calls` are checked at once (a call's and its
    /// snapshot's keys to each other wait for the commit).
    package func write(_ w: Writers) throws {
        try w.snapshots.run(snapshots)
        try w.calls.run(calls)
        try w.changes.run(changes)
        try w.events.run(events)
    }
}
