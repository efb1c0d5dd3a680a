/// Reading report rows: what the report logic folds, answered by each
/// backend from its own structures (SQLite's write-time aggregates,
/// PostgreSQL's scans). Report *logic* — nearest-rank percentiles, folding
/// quarter hours into local periods, rates, the anomaly rules — lives in
/// the report types and is shared (docs/reports.md).
package protocol ReportRows: AnyObject {
    /// Calls with a status, by status.
    func statusCounts(_ filter: CallFilter) throws -> [String: Int]
    /// Final calls grouped by (attempts, max_attempts).
    func finalAttemptGroups(_ filter: CallFilter) throws -> [AttemptGroup]
    /// Durations of completed calls with a known duration: (seconds, calls), ascending.
    func durationHistogram(_ filter: CallFilter) throws -> [(value: Int64, count: Int)]
    /// Completed calls whose duration is unknown.
    func unknownDurations(_ filter: CallFilter) throws -> Int
    /// Per quarter hour of `queued_timestamp` (UTC), only times a calendar can place.
    func quarterHours(_ filter: CallFilter) throws -> [QuarterHour]
    /// Final calls answered that did not complete (`ReportSQL.answeredUncompleted`),
    /// per quarter hour of queued time; -1 for those with no time a
    /// calendar can place. Completed calls are answered too: the reports add them.
    func answeredQuarters(_ filter: CallFilter) throws -> [Int64: Int]
    /// Completed calls' known durations per quarter hour of queued time
    /// (only times a calendar can place), for medians by local hour, each
    /// row given to `visit` as it is read: not grouped (a quarter and
    /// duration may come in several rows, to be added), mostly in order.
    func quarterDurations(_ filter: CallFilter, _ visit: (DurationSlot) -> Void) throws

    // MARK: Labels

    /// The filter's calls with a value of label `name`, grouped by value, status and attempts.
    func labelGroups(_ name: String, _ filter: CallFilter) throws -> [LabelGroup]
    /// Their completed calls' known durations: (value, seconds, calls), by value then duration.
    func labelDurations(_ name: String, _ filter: CallFilter) throws -> [(value: String, duration: Int64, count: Int)]
    /// Their quarter hours (as `quarterHours`), by value.
    func labelQuarterHours(_ name: String, _ filter: CallFilter) throws -> [String: [QuarterHour]]

    // MARK: Anomaly candidates (`AnomaliesReport` judges them)

    /// Calls of the filter's period that may break a rule of the API (a superset).
    func suspectCalls(_ filter: CallFilter) throws -> [AnomalyFacts.SuspectCall]
}

/// Final calls sharing an `attempts` and a `max_attempts`.
package struct AttemptGroup: Sendable, Equatable {
    package var attempts: Int64?
    package var maxAttempts: Int64?
    package var final: Int
    package var completed: Int
    /// Not completed, and attempts reached max_attempts.
    package var exhausted: Int

    package init(attempts: Int64? = nil, maxAttempts: Int64? = nil, final: Int, completed: Int, exhausted: Int) {
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.final = final
        self.completed = completed
        self.exhausted = exhausted
    }
}

/// Completed calls of one quarter hour of queued time (unix time / 900)
/// that lasted `duration` seconds.
package struct DurationSlot: Sendable, Equatable {
    package var quarter: Int64
    package var duration: Int64
    package var calls: Int

    package init(quarter: Int64, duration: Int64, calls: Int) {
        self.quarter = quarter
        self.duration = duration
        self.calls = calls
    }
}

/// One quarter hour (unix time / 900) of queued calls.
package struct QuarterHour: Sendable, Equatable {
    package var quarter: Int64
    package var calls: Int
    package var final: Int
    package var completed: Int
    /// The other final outcomes (final = completed + failed + canceled + rejected).
    package var failed: Int
    package var canceled: Int
    package var rejected: Int
    /// Sum and count of the known durations of its completed calls.
    package var durationSum: Double
    package var durationCount: Int

    package init(
        quarter: Int64, calls: Int, final: Int, completed: Int, failed: Int, canceled: Int, rejected: Int, durationSum: Double, durationCount: Int
    ) {
        self.quarter = quarter
        self.calls = calls
        self.final = final
        self.completed = completed
        self.failed = failed
        self.canceled = canceled
        self.rejected = rejected
        self.durationSum = durationSum
        self.durationCount = durationCount
    }
}
