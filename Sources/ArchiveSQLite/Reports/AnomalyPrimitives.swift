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

    /// Open calls still re-checked (not stale) whose newest event — else
    /// their queue time, else when callhist first saw them — is before `cutoff`.
    package func stuckCalls(activeBefore cutoff: Int64, labels: [Label]) throws -> [AnomalyFacts.StuckCall] {
        let (labelSQL, labelValues) = Self.labelTerms(labels, "c.call_id")
        // Newest events are never before the queue time: only calls queued
        // before the cutoff can be stuck. The open, re-checked calls are an
        // index range (calls_due); each one's newest event a primary-key
        // range. The last test is made here: in SQL it would run that
        // subquery twice.
        return try db.prepare("""
            SELECT c.call_id, c.status, c.attempts, c.max_attempts, c.queued_timestamp,
                   (SELECT max(e.timestamp) FROM call_events e WHERE e.call_id = c.call_id), c.last_fetched_at, c.first_seen_at
            FROM calls c
            WHERE c.is_final = 0 AND c.is_stale = 0 AND coalesce(c.queued_timestamp, c.first_seen_at) < ? AND c.status IS NOT NULL\(labelSQL)
            """).map([cutoff] + labelValues) { r in
            AnomalyFacts.StuckCall(id: r.string(0), status: r.string(1), attempts: r.optionalInt64(2), maxAttempts: r.optionalInt64(3),
                                   queued: r.optionalInt64(4), newestEvent: r.optionalInt64(5), lastFetched: r.optionalInt64(6),
                                   firstSeen: r.int64(7))
        }.filter { $0.lastActivity < cutoff }
    }

    /// The candidates of `calls_suspect` (migration 0004) in `filter`'s
    /// period: calls that may have more attempts than allowed, an end before
    /// the start, events out of time order, `duration` and the events'
    /// duration apart, completed without a `connected` event, or numbers
    /// refused when the body was stored. `AnomaliesReport.impossible` applies
    /// the exact rules (the tolerance among them) to these few.
    package func suspectCalls(_ filter: CallFilter) throws -> [AnomalyFacts.SuspectCall] {
        let (whereSQL, values) = filter.clause()
        let suspects = try db.prepare("""
            SELECT c.call_id, c.status, c.attempts, c.max_attempts, c.start_timestamp, c.end_timestamp, c.duration, c.event_duration,
                   c.status = 'completed' AND NOT EXISTS (SELECT 1 FROM call_events e WHERE e.call_id = c.call_id AND e.event = 'connected'),
                   CASE WHEN \(ReportSQL.refused) THEN c.last_error END, c.event_disorder,
                   (SELECT count(*) FROM call_events e WHERE e.call_id = c.call_id)
            FROM calls c
            WHERE (\(ReportSQL.suspect)) AND c.status IS NOT NULL AND \(whereSQL)
            """).map(values) { r in
            (call: AnomalyFacts.SuspectCall(id: r.string(0), status: r.string(1), attempts: r.optionalInt64(2), maxAttempts: r.optionalInt64(3),
                                            start: r.optionalInt64(4), end: r.optionalInt64(5), duration: r.optionalInt64(6),
                                            eventDuration: r.optionalInt64(7), disorder: nil, completedWithoutConnected: r.int(8) != 0,
                                            events: r.int(11), refusal: r.optionalString(9)),
             disorderSeq: r.optionalInt64(10))
        }
        // The few calls out of order: which event, and the time it falls behind.
        let detail = try db.prepare("""
            SELECT e.event, e.timestamp, (SELECT max(p.timestamp) FROM call_events p WHERE p.call_id = e.call_id AND p.seq < e.seq)
            FROM call_events e WHERE e.call_id = ? AND e.seq = ? AND e.timestamp IS NOT NULL
            """)
        return try suspects.map { suspect in
            var call = suspect.call
            if let seq = suspect.disorderSeq {
                call.disorder = try detail.first([call.id, seq]) { r in
                    r.optionalInt64(2).map { AnomalyFacts.Disorder(seq: seq, event: r.string(0), timestamp: r.int64(1), latestBefore: $0) }
                } ?? nil
            }
            return call
        }
    }

    /// ` AND <id> IN (…)` for each label (`CallFilter`'s rule), with its values.
    package static func labelTerms(_ labels: [Label], _ id: String) -> (String, [any SQLiteBindable]) {
        let sql = labels.map { _ in " AND \(id) IN (SELECT l.call_id FROM call_labels l WHERE l.name = ? AND l.value = ?)" }.joined()
        return (sql, labels.flatMap { [$0.name, $0.value] as [any SQLiteBindable] })
    }

    /// Changes away from a final status observed in `[since, until)`.
    package func finalStatusChanges(since: Int64, until: Int64, labels: [Label]) throws -> [AnomalyFacts.FinalChange] {
        let (labelSQL, labelValues) = Self.labelTerms(labels, "call_id")
        return try db.prepare("""
            SELECT call_id, old_status, new_status, observed_at, run_id FROM status_changes
            WHERE old_status IN \(ReportSQL.finalStatuses) AND new_status IS NOT old_status AND observed_at >= ? AND observed_at < ?\(labelSQL)
            """).map([since, until] + labelValues) { r in
            AnomalyFacts.FinalChange(id: r.string(0), old: r.string(1), new: r.string(2), observedAt: r.int64(3), runID: r.optionalInt64(4))
        }
    }

    /// Ids whose last `minimum` or more fetches brought no body, last tried in `[since, until)`.
    package func failingCalls(atLeast minimum: Int, since: Int64, until: Int64, labels: [Label]) throws -> [AnomalyFacts.FailingCall] {
        // No ORDER BY: it would make SQLite walk the primary key instead of
        // `calls_failing`; the findings are sorted when listed.
        let (labelSQL, labelValues) = Self.labelTerms(labels, "call_id")
        return try db.prepare("""
            SELECT call_id, failed_checks, last_outcome, last_http_code, last_error, last_fetched_at, status IS NOT NULL FROM calls
            WHERE failed_checks > 0 AND failed_checks >= ? AND last_fetched_at >= ? AND last_fetched_at < ?\(labelSQL)
            """).map([minimum, since, until] + labelValues) { r in
            AnomalyFacts.FailingCall(id: r.string(0), failures: r.int(1), lastOutcome: r.optionalString(2), lastHTTPCode: r.optionalInt(3),
                                     lastError: r.optionalString(4), lastFetched: r.optionalInt64(5), hasData: r.int(6) != 0)
        }
    }
}
