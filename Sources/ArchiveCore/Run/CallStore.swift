import FuseAPI

/// The write side of the archive: every id remembered, every distinct body
/// kept, `calls` and `call_events` derived from each call's newest snapshot.
/// It never erases archived call data: problems are recorded beside it.
/// Callers group calls into transactions (see `BatchWriter`).
public final class CallStore {
    public enum Change: Equatable {
        /// The first successful body for this call.
        case new
        /// The call's facts differ from what was archived.
        case changed
        /// Same facts (same body, or the same call in other bytes).
        case unchanged
        /// An answer older than the archived one (`HistoryOrder`): its body
        /// is kept in `call_snapshots`, the call stays as it was.
        case older
    }

    package let rows: any CallRows
    /// The `archive_runs` row of the run writing, for provenance.
    public let runID: Int64?

    /// The longest a call waits between checks when nothing changes.
    public static let maxBackoff: Int64 = 7 * 86_400
    /// The wait after the first unchanged check; it doubles each time.
    public static let firstBackoff: Int64 = 3_600

    /// Over any backend's rows: the rules below are the same for all.
    package init(rows: any CallRows, runID: Int64?) throws {
        self.rows = rows
        self.runID = runID
    }

    /// The wait before the next check after `k` consecutive checks without news.
    public static func backoff(afterQuietChecks k: Int) -> Int64 {
        k <= 0 ? 0 : min(maxBackoff, firstBackoff << Int64(min(k - 1, 20)))
    }

    /// Reads the calls of a batch about to be stored at once (PostgreSQL saves its round trips).
    package func prefetch(_ ids: [String]) throws { try rows.prefetch(ids) }

    /// Adds `id` to `calls` when it is new; returns true when it was.
    @discardableResult
    public func remember(_ id: String, at now: Int64) throws -> Bool {
        try rows.remember(id, at: now, run: runID)
    }

    /// Archives a successful body for `id`. Inside the caller's transaction
    /// (a batch) when there is one, else in its own: the deferred foreign keys
    /// between a call and its first snapshot need one. `sha256`: the body's,
    /// when the caller hashed it already.
    public func store(_ id: String, _ status: CallStatus, sha256: String? = nil, at now: Int64) throws -> Change {
        guard rows.isInTransaction else { return try rows.transaction { try storeInTransaction(id, status, sha256: sha256, at: now) } }
        return try storeInTransaction(id, status, sha256: sha256, at: now)
    }

    private func storeInTransaction(_ id: String, _ status: CallStatus, sha256: String?, at now: Int64) throws -> Change {
        let current = try rows.current(id)
        // The body byte for byte, valid UTF-8 or not; its hash is over the same bytes.
        let snapshotID = try rows.snapshot(
            id, sha256: sha256 ?? SHA256.hex(status.body), format: status.format.rawValue, body: status.body, at: now, run: runID)
        guard let current else {
            // Never seen: one INSERT carries the whole row.
            try rows.insertCall(derived(id, status, snapshotID), refusal: Self.refusal(status), at: now, run: runID)
            try rows.statusChange(id, old: nil, new: status.status, at: now, run: runID)
            try rows.insertEvents(id, status.events)
            return .new
        }
        if current.snapshot == snapshotID {
            try quiet(id, quietChecks: current.quiet + 1, outcome: "unchanged", error: Self.refusal(status), at: now)
            return .unchanged
        }
        let change: Change
        if current.snapshot == nil {
            change = .new
        } else if let old = try rows.facts(of: id) {
            if old.sameFacts(as: status) {
                change = .unchanged
            } else if HistoryOrder.isOlder(status, than: old) {
                try quiet(
                    id, quietChecks: current.quiet + 1, outcome: "older",
                    error: "an older answer (\(SafeText.escape(status.status))) was kept in call_snapshots only", at: now)
                return .older
            } else {
                change = .changed
            }
        } else {
            change = .changed
        }
        if current.status != status.status {
            try rows.statusChange(id, old: current.status, new: status.status, at: now, run: runID)
        }
        let quiet = change == .unchanged ? current.quiet + 1 : 0
        try rows.updateCall(
            derived(id, status, snapshotID), refusal: Self.refusal(status), at: now, quiet: quiet,
            nextCheck: now + Self.backoff(afterQuietChecks: quiet), outcome: change == .unchanged ? "unchanged" : "ok")
        try rows.syncEvents(id, status.events)
        return change
    }

    private func quiet(_ id: String, quietChecks: Int, outcome: String, error: String?, at now: Int64) throws {
        try rows.quiet(
            id, at: now, quiet: quietChecks, nextCheck: SafeMath.plus(now, Self.backoff(afterQuietChecks: quietChecks)), outcome: outcome,
            error: error)
    }

    /// What `last_error` says of a body whose numbers were refused, or nil.
    package static func refusal(_ s: CallStatus) -> String? {
        guard !s.refusedFields.isEmpty else { return nil }
        let list = s.refusedFields.prefix(10).joined(separator: ", ") + (s.refusedFields.count > 10 ? ", …" : "")
        return SafeText.escape("refused out-of-range or non-integer fields (stored as NULL; the body is kept): \(list)")
    }

    /// Re-derives `id` from one snapshot's decoding, leaving bookkeeping alone (for `rebuild`).
    package func rederive(_ id: String, from s: CallStatus, snapshotID: Int64) throws {
        try rows.rederive(derived(id, s, snapshotID))
        try rows.syncEvents(id, s.events)
    }

    private func derived(_ id: String, _ s: CallStatus, _ snapshotID: Int64) -> DerivedRow {
        DerivedRow(
            id: id, status: s.status, phoneNumber: s.phoneNumber, attempts: s.attempts, maxAttempts: s.maxAttempts, queued: s.queuedTimestamp,
            start: s.startTimestamp, end: s.endTimestamp, lastAttempt: s.lastAttemptTimestamp, reattemptWait: s.reattemptWait,
            duration: s.duration, success: s.success, snapshotID: snapshotID, isFinal: s.isFinal,
            eventDuration: Self.eventDuration(s.events), eventDisorder: Self.eventDisorder(s.events).map(Int64.init))
    }

    /// Seconds from the first `connected` event to the first `disconnected`
    /// at or after it, by timestamp whatever the list order; nil without both.
    /// Reports use it where the API gave no `duration` (docs/reports.md).
    package static func eventDuration(_ events: [CallStatus.Event]) -> Int64? {
        guard let connected = events.filter({ $0.event == "connected" }).compactMap(\.timestamp).min(),
            let end = events.filter({ $0.event == "disconnected" }).compactMap(\.timestamp).filter({ $0 >= connected }).min()
        else { return nil }
        return SafeMath.minus(end, connected)
    }

    /// The position of the first event whose timestamp is earlier than one
    /// before it in the API's list (events without a timestamp skipped), or
    /// nil when the list is in time order: `report anomalies` reads it.
    package static func eventDisorder(_ events: [CallStatus.Event]) -> Int? {
        var latest = Int64.min
        for (seq, e) in events.enumerated() {
            guard let t = e.timestamp else { continue }
            if t < latest { return seq }
            latest = t
        }
        return nil
    }

    /// Records a fetch that brought no body (404, 403, failure, malformed
    /// body) beside whatever is archived, and backs the next check off.
    public func recordProblem(_ id: String, outcome: String, httpStatus: Int?, message: String, at now: Int64) throws {
        try remember(id, at: now)
        // The first problem leaves the id due on the next run; repeats back off
        // (the same `backoff` as unchanged answers: one formula).
        let problems = try rows.problems(id)
        try rows.problem(
            id, at: now, outcome: outcome, http: httpStatus, message: SafeText.escape(message),
            nextCheck: SafeMath.plus(now, Self.backoff(afterQuietChecks: problems)), problems: problems + 1)
    }

    /// The archived facts of `id` (derived columns and events), without a body.
    package func facts(of id: String) throws -> CallStatus? { try rows.facts(of: id) }
}
