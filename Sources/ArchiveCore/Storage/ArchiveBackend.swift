import Foundation

/// The storage side of an archive, behind `CallArchive`: what a backend
/// (SQLite today; PostgreSQL can be a second) answers. Report *logic* —
/// nearest-rank percentiles, folding quarter hours into local periods,
/// rates — lives in the report types and is shared; a backend only runs
/// its own queries and writes (docs/architecture.md, "Adding a backend").
package protocol ArchiveBackend: AnyObject {
    var path: String { get }

    // MARK: Report primitives

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
    func pending(_ filter: CallFilter, limit: Int) throws -> PendingReport
    func runs(since: Int64?, until: Int64?, limit: Int) throws -> [RunsReport.Row]
    func call(_ id: String) throws -> CallReport?
    /// The distinct statuses of the archived calls.
    func distinctStatuses() throws -> [String]
    /// The first and last queued time of the calls with a status, and how many there are.
    func queuedRange() throws -> (first: Int64, last: Int64, calls: Int)?

    // MARK: Labels

    /// The distinct label names, sorted.
    func labelNames() throws -> [String]
    /// The filter's calls with a value of label `name`, grouped by value, status and attempts.
    func labelGroups(_ name: String, _ filter: CallFilter) throws -> [LabelGroup]
    /// Their completed calls' known durations: (value, seconds, calls), by value then duration.
    func labelDurations(_ name: String, _ filter: CallFilter) throws -> [(value: String, duration: Int64, count: Int)]
    /// Their quarter hours (as `quarterHours`), by value.
    func labelQuarterHours(_ name: String, _ filter: CallFilter) throws -> [String: [QuarterHour]]

    // MARK: Anomaly candidates (`AnomaliesReport` judges them)

    /// Open calls still re-checked whose newest activity is before `cutoff`.
    func stuckCalls(activeBefore cutoff: Int64, labels: [Label]) throws -> [AnomalyFacts.StuckCall]
    /// Calls of the filter's period that may break a rule of the API (a superset).
    func suspectCalls(_ filter: CallFilter) throws -> [AnomalyFacts.SuspectCall]
    /// Changes away from a final status observed in `[since, until)`.
    func finalStatusChanges(since: Int64, until: Int64, labels: [Label]) throws -> [AnomalyFacts.FinalChange]
    /// Ids with `atLeast` failed fetches in a row, last tried in `[since, until)`.
    func failingCalls(atLeast: Int, since: Int64, until: Int64, labels: [Label]) throws -> [AnomalyFacts.FailingCall]

    // MARK: Whole-archive operations

    /// The rows an archive, import or rebuild run reads and writes (`Archiver`, `Importer`, `Rebuilder`, `CallStore`).
    func runRows() throws -> any ArchiveRunRows
    /// The given ids of `forget` and `label`.
    func givenIDRows() -> any GivenIDRows
    /// This archive as either end of `copy`.
    func copyEnd() -> any CopyEnd
    /// Runs `body` while no archive run writes (`forget`, `rebuild`), or
    /// throws `ArchiveError.busy` naming `others`.
    func alone<T>(_ others: String, _ body: () throws -> T) throws -> T
    func export(_ table: Exporter.Table, format: Exporter.Format, filter: CallFilter, to sink: OutputSink) throws -> Int
    func backup(to destination: String) throws -> Int
    func checks() throws -> [ArchiveCheck]
    func lastSuccessfulArchive() throws -> Int64?
    var schemaVersion: Int { get throws }
    func close() throws
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

    package init(quarter: Int64, calls: Int, final: Int, completed: Int, failed: Int, canceled: Int, rejected: Int, durationSum: Double, durationCount: Int) {
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
