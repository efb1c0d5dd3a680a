/// What the anomaly checks read from storage (a backend's queries find the
/// candidates; `AnomaliesReport` judges them and words the findings).
package enum AnomalyFacts {
    /// A call still re-checked whose newest event (or queue time) is old.
    package struct StuckCall: Equatable, Sendable {
        package var id: String
        package var status: String
        package var attempts: Int64?
        package var maxAttempts: Int64?
        package var queued: Int64?
        /// The newest event's timestamp, nil when no event has one.
        package var newestEvent: Int64?
        package var lastFetched: Int64?
        package var firstSeen: Int64
        /// When the newest activity happened: the newest event, else the
        /// queue time, else when callhist first saw the id.
        package var lastActivity: Int64 { newestEvent ?? queued ?? firstSeen }

        package init(
            id: String, status: String, attempts: Int64? = nil, maxAttempts: Int64? = nil, queued: Int64? = nil, newestEvent: Int64? = nil,
            lastFetched: Int64? = nil, firstSeen: Int64
        ) {
            self.id = id
            self.status = status
            self.attempts = attempts
            self.maxAttempts = maxAttempts
            self.queued = queued
            self.newestEvent = newestEvent
            self.lastFetched = lastFetched
            self.firstSeen = firstSeen
        }
    }

    /// A call with a status whose stored facts may break one of the API's rules.
    package struct SuspectCall: Equatable, Sendable {
        package var id: String
        package var status: String
        package var attempts: Int64?
        package var maxAttempts: Int64?
        package var start: Int64?
        package var end: Int64?
        package var duration: Int64?
        package var eventDuration: Int64?
        /// The first event whose timestamp is earlier than an event before it in the list.
        package var disorder: Disorder?
        /// Completed, and no event is `connected`.
        package var completedWithoutConnected: Bool
        package var events: Int
        /// `last_error` naming numbers refused when the body was stored.
        package var refusal: String?

        package init(
            id: String, status: String, attempts: Int64? = nil, maxAttempts: Int64? = nil, start: Int64? = nil, end: Int64? = nil,
            duration: Int64? = nil, eventDuration: Int64? = nil, disorder: Disorder? = nil, completedWithoutConnected: Bool, events: Int,
            refusal: String? = nil
        ) {
            self.id = id
            self.status = status
            self.attempts = attempts
            self.maxAttempts = maxAttempts
            self.start = start
            self.end = end
            self.duration = duration
            self.eventDuration = eventDuration
            self.disorder = disorder
            self.completedWithoutConnected = completedWithoutConnected
            self.events = events
            self.refusal = refusal
        }
    }

    /// An event earlier than one before it: its position, name and time,
    /// and the latest time of the events before it.
    package struct Disorder: Equatable, Sendable {
        package var seq: Int64
        package var event: String
        package var timestamp: Int64
        package var latestBefore: Int64

        package init(seq: Int64, event: String, timestamp: Int64, latestBefore: Int64) {
            self.seq = seq
            self.event = event
            self.timestamp = timestamp
            self.latestBefore = latestBefore
        }
    }

    /// A change away from a final status.
    package struct FinalChange: Equatable, Sendable {
        package var id: String
        package var old: String
        package var new: String
        package var observedAt: Int64
        package var runID: Int64?

        package init(id: String, old: String, new: String, observedAt: Int64, runID: Int64? = nil) {
            self.id = id
            self.old = old
            self.new = new
            self.observedAt = observedAt
            self.runID = runID
        }
    }

    /// An id whose last fetches all brought no body.
    package struct FailingCall: Equatable, Sendable {
        package var id: String
        package var failures: Int
        package var lastOutcome: String?
        package var lastHTTPCode: Int?
        package var lastError: String?
        package var lastFetched: Int64?
        package var hasData: Bool

        package init(
            id: String, failures: Int, lastOutcome: String? = nil, lastHTTPCode: Int? = nil, lastError: String? = nil, lastFetched: Int64? = nil,
            hasData: Bool
        ) {
            self.id = id
            self.failures = failures
            self.lastOutcome = lastOutcome
            self.lastHTTPCode = lastHTTPCode
            self.lastError = lastError
            self.lastFetched = lastFetched
            self.hasData = hasData
        }
    }

    /// Open calls still re-checked (not stale) whose newest event — else
    /// their queue time, else when callhist first saw them — is before `cutoff`.
    package static func stuckCalls(_ db: any SQLDatabase, activeBefore cutoff: Int64, labels: [Label]) throws -> [StuckCall] {
        let (labelSQL, labelValues) = CallFilter.labelTerms(labels, "c.call_id")
        // Newest events are never before the queue time: only calls queued
        // before the cutoff can be stuck. The open, re-checked calls are an
        // index range (calls_due); each one's newest event a primary-key
        // range. The last test is made here: in SQL it would run that
        // subquery twice.
        return try db.rows(
            """
            SELECT c.call_id, c.status, c.attempts, c.max_attempts, c.queued_timestamp,
                   (SELECT max(e.timestamp) FROM call_events e WHERE e.call_id = c.call_id), c.last_fetched_at, c.first_seen_at
            FROM calls c
            WHERE c.is_final = 0 AND c.is_stale = 0 AND \(ReportSQL.openedAt()) < ? AND c.status IS NOT NULL\(labelSQL)
            """, [.integer(cutoff)] + labelValues
        ) { r in
            StuckCall(
                id: r.string(0), status: r.string(1), attempts: r.optionalInt64(2), maxAttempts: r.optionalInt64(3),
                queued: r.optionalInt64(4), newestEvent: r.optionalInt64(5), lastFetched: r.optionalInt64(6), firstSeen: r.int64(7))
        }.filter { $0.lastActivity < cutoff }
    }

    /// Changes away from a final status observed in `[since, until)`
    /// (the partial index status_changes_from_final).
    package static func finalStatusChanges(_ db: any SQLDatabase, since: Int64, until: Int64, labels: [Label]) throws -> [FinalChange] {
        let (labelSQL, labelValues) = CallFilter.labelTerms(labels, "call_id")
        return try db.rows(
            """
            SELECT call_id, old_status, new_status, observed_at, run_id FROM status_changes
            WHERE old_status IN \(ReportSQL.finalStatuses) AND new_status <> old_status AND observed_at >= ? AND observed_at < ?\(labelSQL)
            """, [.integer(since), .integer(until)] + labelValues
        ) { r in
            FinalChange(id: r.string(0), old: r.string(1), new: r.string(2), observedAt: r.int64(3), runID: r.optionalInt64(4))
        }
    }

    /// Ids whose last `minimum` or more fetches brought no body, last tried in `[since, until)`.
    package static func failingCalls(
        _ db: any SQLDatabase, atLeast minimum: Int, since: Int64, until: Int64,
        labels: [Label]
    ) throws -> [FailingCall] {
        // No ORDER BY: it would make SQLite walk the primary key instead of
        // `calls_failing`; the findings are sorted when listed.
        let (labelSQL, labelValues) = CallFilter.labelTerms(labels, "call_id")
        return try db.rows(
            """
            SELECT call_id, failed_checks, last_outcome, last_http_code, last_error, last_fetched_at,
                   CASE WHEN status IS NOT NULL THEN 1 ELSE 0 END FROM calls
            WHERE failed_checks > 0 AND failed_checks >= ? AND last_fetched_at >= ? AND last_fetched_at < ?\(labelSQL)
            """, [.integer(Int64(minimum)), .integer(since), .integer(until)] + labelValues
        ) { r in
            FailingCall(
                id: r.string(0), failures: r.int(1), lastOutcome: r.optionalString(2), lastHTTPCode: r.optionalInt(3),
                lastError: r.optionalString(4), lastFetched: r.optionalInt64(5), hasData: r.int(6) != 0)
        }
    }
}
