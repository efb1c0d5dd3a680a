import FuseAPI

/// What an archive run (`Archiver`) reads and writes besides the calls
/// themselves (`CallRows`): the ids it was given, the schedule, the pages
/// of ids it fetches, its `archive_runs` row and its transactions. One
/// implementation per backend (`SQLiteRunRows`, `PostgresRunRows`), so the
/// run's logic is written once.
package protocol ArchiveRunRows: AnyObject {
    var calls: any CallRows { get }
    /// The connection the statements written once below run on.
    var sql: any SQLDatabase { get }
    var isInTransaction: Bool { get }
    func begin() throws
    func commit() throws
    func rollback()
    func transaction<T>(_ body: () throws -> T) throws -> T
    /// How old a batch must be before a writer with nothing to write commits it (`BatchWriter.idle`).
    var idleCommitAfter: Duration { get }
    /// Work a writer does in every few commits (SQLite folds its report aggregates).
    func fold() throws

    // Given ids (inside a transaction the caller opens).
    func resetRequested() throws
    func request(_ id: String, typed: Bool) throws
    /// True when `id` is among the requested ids.
    func isRequested(_ id: String) throws -> Bool
    /// Adds the labels `id` lacks; returns how many.
    func addLabels(_ labels: [Label], to id: String) throws -> Int
    /// Gives `label` to every requested id; returns how many were new.
    func labelRequested(_ label: Label) throws -> Int

    // The schedule.
    func markStale(openedBefore: Int64) throws
    func classify(_ inputs: Schedule.Inputs) throws
    func planEntries(_ body: (Archiver.PlanEntry) throws -> Void) throws
    /// Lists the ids to fetch; returns their number.
    func prepareTargets() throws -> Int
    /// Remembers the plan's new ids in `calls` (before any answer is stored).
    func rememberNew(at now: Int64, run: Int64) throws
    /// The next ids to fetch after position `after`, at most `limit`, with
    /// the position of the last one (nil when none is left). On PostgreSQL
    /// these are claimed for the run, so a concurrent run never gets them.
    func page(after: Int, limit: Int, run: Int64) throws -> (ids: [String], last: Int)?
    /// Ids per page handed to the fetching thread (it holds at most four).
    var pageSize: Int { get }
    /// Ids `page` passed over because another live run had them.
    var passedOver: Int { get }
    /// `page` claims the calls' rows (PostgreSQL): the new ids are
    /// remembered before the first page, not while it is fetched.
    var pagesClaimRows: Bool { get }

    // The run's row.
    func startRun(kind: String, at now: Int64) throws -> Int64
}

/// What every backend's run rows do alike, written once over `sql`.
extension ArchiveRunRows {
    package func isArchived(_ id: String) throws -> Bool {
        try sql.first("SELECT 1 FROM calls WHERE call_id = ?", [.text(id)]) { _ in true } ?? false
    }

    /// The latest start of another run, to tell a clock that went back.
    package func lastRunStart(excluding run: Int64?) throws -> Int64? { try RunLog.lastStart(sql, excluding: run) }

    /// How many ids of the plan (given, or found in the archive) have each reason.
    package func planCounts(given: Bool) throws -> [Schedule.Reason: Int] {
        try reasons("given = ?", [.integer(given ? 1 : 0)])
    }

    /// How many ids considered are not fetched, by reason.
    package func skippedCounts() throws -> [Schedule.Reason: Int] { try reasons("fetches = 0", []) }

    private func reasons(_ condition: String, _ values: [SQLValue]) throws -> [Schedule.Reason: Int] {
        var out: [Schedule.Reason: Int] = [:]
        try sql.query("SELECT reason, count(*) FROM \(sql.dialect.temporarySchema).plan WHERE \(condition) GROUP BY reason", values) { r in
            if let reason = Schedule.Reason(rawValue: r.string(0)) { out[reason] = r.int(1) }
        }
        return out
    }

    package func updateRun(_ run: Int64, _ c: RunCounts) throws { try RunLog(sql, runID: run).update(c) }

    package func finishRun(_ run: Int64, _ c: RunCounts, exitCode: Int32, message: String?, at now: Int64) throws {
        try RunLog(sql, runID: run).finish(c, exitCode: exitCode, message: message, at: now)
    }

    /// Closes a run that has no end yet, keeping the counts it committed.
    package func endRun(_ run: Int64, exitCode: Int32, message: String, at now: Int64) throws {
        try transaction { try RunLog(sql, runID: run).end(exitCode: exitCode, message: message, at: now) }
    }
}
