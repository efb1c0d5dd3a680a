import ArchiveCore
import FuseAPI
import Postgres

/// The writes of calls that had no body before this batch, held until the
/// batch commits and then sent with `COPY` (a few statements for the batch
/// instead of six round trips a call): the calls (copied in when new, an
/// upsert from a staging table when remembered, as
/// `PostgresCallRows.insertCall` would), their first snapshots
/// (ids taken from the sequence beforehand), status changes and events.
package struct PostgresCallBuffer {
    private var ids: Set<String> = []
    /// Calls the archive did not hold (copied straight in) and calls it
    /// held without a body (an id remembered before its first answer: upserted).
    private var inserts: [[PostgresCopyWriter.Field]] = []
    private var upserts: [[PostgresCopyWriter.Field]] = []
    private var snapshots: [[PostgresCopyWriter.Field]] = []
    private var changes: [[PostgresCopyWriter.Field]] = []
    private var events: [[PostgresCopyWriter.Field]] = []

    package var isEmpty: Bool { ids.isEmpty }
    package func holds(_ id: String) -> Bool { ids.contains(id) }

    private static func field(_ v: Int64?) -> PostgresCopyWriter.Field { v.map { .integer($0) } ?? .null }
    private static func field(_ v: String?) -> PostgresCopyWriter.Field { v.map { .text($0) } ?? .null }

    package mutating func snapshot(
        _ snapshotID: Int64, _ id: String, sha256: String, format: String, body: [UInt8], json: String?, at now: Int64, run: Int64?
    ) {
        ids.insert(id)
        snapshots.append([
            .integer(snapshotID), .text(id), .text(sha256), .text(format), .bytes(body), .integer(now), .integer(now),
            Self.field(run), .integer(1), Self.field(json),
        ])
    }

    package mutating func call(
        _ d: DerivedRow, refusal: String?, at now: Int64, run: Int64?, quiet: Int, nextCheck: Int64, outcome: String, absent: Bool
    ) {
        ids.insert(d.id)
        let row: [PostgresCopyWriter.Field] =
            d.values.map(PostgresDatabase.field) + [
                Self.field(refusal), .integer(now), Self.field(run), .integer(now), .integer(now), .integer(nextCheck), .integer(Int64(quiet)),
                .text(outcome), .integer(200),
            ]
        if absent { inserts.append(row) } else { upserts.append(row) }
    }

    package mutating func statusChange(_ id: String, old: String?, new: String, at now: Int64, run: Int64?) {
        changes.append([.text(id), Self.field(old), .text(new), .integer(now), Self.field(run)])
    }

    package mutating func events(_ id: String, _ list: [CallStatus.Event]) {
        for (seq, e) in list.enumerated() { events.append([.text(id), .integer(Int64(seq)), .text(e.event), Self.field(e.timestamp)]) }
    }

    /// Sends everything, in the order the foreign keys want: calls first
    /// (snapshots' and calls' keys to each other are checked at commit).
    package func send(_ db: PostgresConnection) throws {
        let columns = CallStatements.firstAnswerColumns.joined(separator: ", ")
        if !inserts.isEmpty {
            try db.copyIn("COPY calls (\(columns)) FROM STDIN") { w in for row in inserts { try w.row(row) } }
        }
        if !upserts.isEmpty {
            // Emptied with DELETE, not TRUNCATE: a truncate rewrites the
            // catalog at every batch.
            try db.execute("CREATE TEMP TABLE IF NOT EXISTS call_stage (LIKE calls INCLUDING DEFAULTS)")
            try db.copyIn("COPY pg_temp.call_stage (\(columns)) FROM STDIN") { w in for row in upserts { try w.row(row) } }
            try db.execute(
                """
                INSERT INTO calls (\(columns)) SELECT \(columns) FROM pg_temp.call_stage ORDER BY call_id \(CallStatements.firstAnswerUpsert);
                DELETE FROM pg_temp.call_stage;
                """)
        }
        try db.copyIn(
            """
            COPY call_snapshots (snapshot_id, call_id, body_sha256, format, body, first_seen_at, last_seen_at, first_run_id, times_seen, body_json) FROM STDIN
            """
        ) { w in for row in snapshots { try w.row(row) } }
        if !changes.isEmpty {
            try db.copyIn("COPY status_changes (call_id, old_status, new_status, observed_at, run_id) FROM STDIN") { w in
                for row in changes { try w.row(row) }
            }
        }
        if !events.isEmpty {
            try db.copyIn("COPY call_events (call_id, seq, event, timestamp) FROM STDIN") { w in for row in events { try w.row(row) } }
        }
    }
}
