import ArchiveCore
import SQLite

/// The SQLite queries behind `report anomalies` (docs/reports.md,
/// "Anomalies"). Each reads a small, indexed part of the archive: the open
/// calls (`calls_due`), the period's suspect calls (`calls_suspect`), the
/// changes away from a final status (`status_changes_from_final`) and the
/// failing ids (`calls_failing`).
/// The day figures come from the report aggregates (`quarterHours`).
package struct AnomalyPrimitives {
    package let db: Connection

    /// The candidates of `calls_suspect` (migration 0004) in `filter`'s
    /// period: calls that may have more attempts than allowed, an end before
    /// the start, events out of time order, `duration` and the events'
    /// duration apart, completed without a `connected` event, or numbers
    /// refused when the body was stored. `AnomaliesReport.impossible` applies
    /// the exact rules (the tolerance among them) to these few.
    package func suspectCalls(_ filter: CallFilter) throws -> [AnomalyFacts.SuspectCall] {
        let (whereSQL, values) = filter.clause()
        let suspects = try db.prepare(
            """
            SELECT c.call_id, c.status, c.attempts, c.max_attempts, c.start_timestamp, c.end_timestamp, c.duration, c.event_duration,
                   c.status = 'completed' AND NOT EXISTS (SELECT 1 FROM call_events e WHERE e.call_id = c.call_id AND e.event = 'connected'),
                   CASE WHEN \(ReportSQL.refused) THEN c.last_error END, c.event_disorder,
                   (SELECT count(*) FROM call_events e WHERE e.call_id = c.call_id)
            FROM calls c
            WHERE (\(ReportSQL.suspect)) AND c.status IS NOT NULL AND \(whereSQL)
            """
        ).map(values) { r in
            (
                call: AnomalyFacts.SuspectCall(
                    id: r.string(0), status: r.string(1), attempts: r.optionalInt64(2), maxAttempts: r.optionalInt64(3),
                    start: r.optionalInt64(4), end: r.optionalInt64(5), duration: r.optionalInt64(6),
                    eventDuration: r.optionalInt64(7), disorder: nil, completedWithoutConnected: r.int(8) != 0,
                    events: r.int(11), refusal: r.optionalString(9)),
                disorderSeq: r.optionalInt64(10)
            )
        }
        // The few calls out of order: which event, and the time it falls behind.
        let detail = try db.prepare(
            """
            SELECT e.event, e.timestamp, (SELECT max(p.timestamp) FROM call_events p WHERE p.call_id = e.call_id AND p.seq < e.seq)
            FROM call_events e WHERE e.call_id = ? AND e.seq = ? AND e.timestamp IS NOT NULL
            """)
        return try suspects.map { suspect in
            var call = suspect.call
            if let seq = suspect.disorderSeq {
                call.disorder =
                    try detail.first([call.id, seq]) { r in
                        r.optionalInt64(2).map { AnomalyFacts.Disorder(seq: seq, event: r.string(0), timestamp: r.int64(1), latestBefore: $0) }
                    } ?? nil
            }
            return call
        }
    }

}
