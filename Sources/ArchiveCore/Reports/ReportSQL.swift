import FuseAPI

/// SQL shared by the reports, so each definition of docs/reports.md is
/// written once.
package enum ReportSQL {
    /// `CallStatus.finalStatuses` as an SQL list, so the rule is written once.
    package static let finalStatuses = "(" + CallStatus.finalStatuses.sorted().map { "'\($0)'" }.joined(separator: ", ") + ")"

    package static func isFinal(_ status: String) -> Bool { CallStatus.finalStatuses.contains(status) }

    /// The duration of call `c`: the API's `duration`, else the time from
    /// its first `connected` event to the first `disconnected` at or after it
    /// (`event_duration`, derived when the call is stored). The aggregates of
    /// migration 0003 compute the same expression.
    package static let effectiveDuration = "coalesce(c.duration, c.event_duration)"

    /// A final call answered that did not complete: its events hold a
    /// `connected` and a `disconnected` after it (so `event_duration` is
    /// known). The WHERE of the partial index `calls_answered`, word for word
    /// (docs/reports.md, "Hours"); every completed call is answered too.
    package static let answeredUncompleted = "status IN ('canceled', 'failed', 'rejected') AND event_duration IS NOT NULL"

    /// The WHERE of the partial index `calls_suspect`, word for word: SQLite
    /// uses the index only for a query that contains it.
    package static let suspect = """
        attempts > max_attempts OR end_timestamp < start_timestamp OR duration <> event_duration
           OR (status = 'completed' AND event_duration IS NULL) OR event_disorder IS NOT NULL
           OR (last_error >= 'refused out-of-range' AND last_error < 'refused out-of-rangf')
        """
    /// `last_error` of a body whose numbers were refused (`CallStore.refusal`).
    package static let refused = "c.last_error >= 'refused out-of-range' AND c.last_error < 'refused out-of-rangf'"

    /// When a call's life started, for the stale rule and the order of open
    /// calls (docs/reliability.md, "Stale follows the clock"): its queued
    /// time, else when the archive first saw it. `alias` qualifies the
    /// columns; the SQLite indexes `calls_open` and `calls_stale_open` are
    /// on this very expression.
    package static func openedAt(_ alias: String? = "c") -> String {
        let a = alias.map { $0 + "." } ?? ""
        return "coalesce(\(a)queued_timestamp, \(a)first_seen_at)"
    }
}
