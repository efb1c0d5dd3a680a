import Foundation
import FuseAPI

/// The one owner of an archive (docs/architecture.md): it opens, creates
/// and migrates the file, takes the run lock for writers, and offers every
/// operation the command line needs — archive, import, export, backup,
/// doctor's checks, rebuild and the reports — returning domain values.
/// Storage sits behind `ArchiveBackend`; nothing above this type sees SQL.
/// One owner, one thread, like the connection it holds.
public final class CallArchive {
    package let backend: any ArchiveBackend
    public var path: String { backend.path }

    /// The run lock a writer holds on a file archive until `close()`.
    private let lock: RunLock?

    package init(backend: any ArchiveBackend, lock: RunLock? = nil) {
        self.backend = backend
        self.lock = lock
    }

    /// Archives one decoded answer as a fetch would (the fuzzer's way in).
    public func store(_ id: String, _ status: CallStatus, at now: Int64) throws -> CallStore.Change {
        try storage {
            // In a transaction of its own: a backend may hold writes back for the batch (PostgreSQL).
            let rows = try backend.runRows()
            return try rows.transaction { try CallStore(rows: rows.calls, runID: nil).store(id, status, at: now) }
        }
    }

    public func close() throws {
        try storage { try backend.close() }
        withExtendedLifetime(lock) {}
    }

    public var schemaVersion: Int { get throws { try storage { try backend.schemaVersion } } }

    /// Label values the version 7 migration merged at or after `since`
    /// (one value per name: the others kept in `call_labels_merged`), so
    /// the command that migrated can say how many (docs/schema.md).
    public func labelValuesMerged(since: Int64) throws -> Int {
        try storage { Int(try backend.sql.integer("SELECT count(*) FROM call_labels_merged WHERE merged_at >= ?", [.integer(since)]) ?? 0) }
    }

    /// The sentence for `labelValuesMerged`, or nil when none were.
    public func labelMergeNote(since: Int64) throws -> String? {
        let n = try labelValuesMerged(since: since)
        guard n > 0 else { return nil }
        return "the schema upgrade merged \(n) label \(n == 1 ? "value" : "values"): a call now holds one value per label name "
            + "(the greatest was kept; the others are in the table call_labels_merged)"
    }

    // MARK: Runs

    /// `interruption` names the signal that asked the run to stop, or nil
    /// (`TerminationSignals.stopRequested`).
    /// `errorCode` maps an error that ends the run part-way to the exit code
    /// its row records; when the row cannot take it (a full disk), the run
    /// lock's file keeps it for the next run.
    public func archive(
        _ options: Archiver.Options, fetch: FetchSettings, exitCode: (RunOutcome) -> Int32, errorCode: @escaping (Error) -> Int32 = { _ in 70 },
        interruption: @escaping @Sendable () -> String? = { nil },
        progress: (Archiver.Progress) -> Void = { _ in }
    ) throws -> Archiver.Report {
        try storage {
            let client = FuseClient(try fetch.clientConfiguration())
            return try Archiver(rows: try backend.runRows(), options: options)
                .run(
                    client: client, exitCode: exitCode, ending: ending(errorCode), interruption: interruption,
                    started: { lock?.record(runID: $0) }, progress: progress)
        }
    }

    /// How a run of this archive closes its row when an error ends it: the
    /// error in the backend's plain words and `errorCode`'s number; a new
    /// connection when the database dropped the run's, else the lock file.
    private func ending(_ errorCode: @escaping (Error) -> Int32) -> RunEnding {
        let path = path
        let mapped = { (error: Error) -> Error in (error as? any DriverError)?.storageError(path: path) ?? error }
        var ending = RunEnding()
        ending.code = { errorCode(mapped($0)) }
        ending.describe = { "\(mapped($0))" }
        ending.unrecorded = { [backend, lock] run, code, message in
            let now = Int64(Date().timeIntervalSince1970)
            // A database server that dropped the connection: a new one closes the row.
            if let fresh = try? backend.reconnected(), (try? RunLog(fresh, runID: run).end(exitCode: code, message: message, at: now)) != nil {
                return
            }
            lock?.recordEnd(runID: run, exitCode: code, message: message, at: now)
        }
        return ending
    }

    /// Closes the row of the run before, when the run lock's file kept an
    /// end its row could not take (a full disk, a second signal): called by
    /// the next writer as it opens (docs/reliability.md, "Stopping a run").
    package func recordPreviousEnd() throws {
        guard let lock, let run = lock.previous.runID, let end = lock.previous.end else { return }
        try storage {
            try RunLog(backend.sql, runID: run).end(
                exitCode: end.exitCode, message: end.message + " (recorded by the next writer, from the lock file)", at: end.at)
        }
    }

    /// What a run would do; `list` gets each id considered with its reason.
    public func plan(_ options: Archiver.Options, list: ((Archiver.PlanEntry) throws -> Void)? = nil) throws -> Archiver.Plan {
        try storage { try Archiver(rows: try backend.runRows(), options: options).plan(list: list) }
    }

    /// Removes ids that never brought data (`Forgetter`); with `force`, calls with data too.
    public func forget(_ ids: [String], idFiles: [String], force: Bool) throws -> Forgetter.Report {
        // Alone, as a rebuild: no archive run may be storing what it deletes.
        try storage {
            try backend.alone("an archive run, an import or a rebuild") {
                try Forgetter(rows: GivenIDRows(backend.sql)).run(ids: ids, idFiles: idFiles, force: force)
            }
        }
    }

    /// Adds and removes labels of archived calls (`Labeller`).
    public func label(_ ids: [String], idFiles: [String], add: [Label], remove: [Labeller.Removal]) throws -> Labeller.Report {
        try storage { try Labeller(rows: GivenIDRows(backend.sql)).run(ids: ids, idFiles: idFiles, add: add, remove: remove) }
    }

    public func importFiles(
        _ files: [String], exitCode: (RunOutcome) -> Int32, errorCode: @escaping (Error) -> Int32 = { _ in 70 }, problem: (String) -> Void
    ) throws -> Importer.Report {
        try storage { try Importer(rows: try backend.runRows()).run(files: files, exitCode: exitCode, ending: ending(errorCode), problem: problem) }
    }

    /// Alone: no archive run may write while calls are re-derived.
    public func rebuild() throws -> Rebuilder.Report {
        try storage { try backend.alone("an archive run, an import or another rebuild") { try Rebuilder(rows: try backend.runRows()).run() } }
    }

    public func export(_ table: Exporter.Table, format: Exporter.Format, filter: CallFilter, zone: TimeZone?, to sink: OutputSink) throws -> Int {
        try storage { try backend.export(table, format: format, filter: filter, zone: zone, to: sink) }
    }

    /// A consistent copy at `destination` with the archive's file mode; returns its number of calls.
    public func backup(to destination: String) throws -> Int { try storage { try backend.backup(to: destination) } }

    public func checks() throws -> [ArchiveCheck] { try storage { try backend.checks() } }

    /// When the last archive run that exited 0 ended (unix time).
    public func lastSuccessfulArchive() throws -> Int64? {
        try storage { try backend.sql.integer("SELECT max(ended_at) FROM archive_runs WHERE kind = 'archive' AND exit_code = 0") }
    }

    // MARK: Reports (definitions: docs/reports.md)

    public func summary(_ filter: CallFilter) throws -> SummaryReport {
        try storage {
            SummaryReport.build(
                statusCounts: try backend.statusCounts(filter), finalGroups: try backend.finalAttemptGroups(filter),
                durations: try backend.durationHistogram(filter))
        }
    }

    public func daily(_ filter: CallFilter, by period: DailyReport.Period, utc: Bool, timeZone: TimeZone = .current) throws -> [DailyReport.Row] {
        try storage { DailyReport.build(try backend.quarterHours(filter), by: period, utc: utc, timeZone: timeZone) }
    }

    /// `report hours` in `zone` (UTC for --utc).
    public func hours(_ filter: CallFilter, zone: TimeZone) throws -> HoursReport {
        try storage {
            try HoursReport.build(quarters: try backend.quarterHours(filter), answered: try backend.answeredQuarters(filter), zone: zone) {
                try backend.quarterDurations(filter, $0)
            }
        }
    }

    /// `report compare`: the calls of `first` beside those of `second`.
    public func compare(_ first: (name: String, filter: CallFilter), _ second: (name: String, filter: CallFilter)) throws -> CompareReport {
        func group(_ g: (name: String, filter: CallFilter)) throws -> CompareReport.Group {
            CompareReport.Group(
                name: g.name, summary: try summary(g.filter),
                answeredUncompleted: try storage { try backend.answeredQuarters(g.filter).values.reduce(0, +) })
        }
        return CompareReport(first: try group(first), second: try group(second))
    }

    public func attempts(_ filter: CallFilter) throws -> AttemptsReport {
        try storage { AttemptsReport.build(try backend.finalAttemptGroups(filter)) }
    }

    public func durations(_ filter: CallFilter) throws -> DurationsReport {
        try storage { DurationsReport.build(histogram: try backend.durationHistogram(filter), unknown: try backend.unknownDurations(filter)) }
    }

    public func pending(_ filter: CallFilter, limit: Int) throws -> PendingReport {
        try storage { try PendingReport.read(backend.sql, filter: filter, limit: limit, statusCounts: backend.statusCounts) }
    }

    public func runs(since: Int64?, until: Int64?, limit: Int) throws -> [RunsReport.Row] {
        try storage { try RunsReport.read(backend.sql, since: since, until: until, limit: limit) }
    }

    /// `report labels NAME`: the filter's calls by the values of label `name`.
    public func labels(_ name: String, _ filter: CallFilter) throws -> LabelsReport {
        try storage {
            LabelsReport.build(name: name, groups: try backend.labelGroups(name, filter), durations: try backend.labelDurations(name, filter))
        }
    }

    /// The label names the archive holds, sorted.
    public func labelNames() throws -> [String] {
        // On SQLite a skip-scan of call_labels_name_value: one step per name.
        try storage { try backend.sql.rows("SELECT DISTINCT name FROM call_labels ORDER BY name") { $0.string(0) } }
    }

    /// `report daily --label-column NAME`: the daily rows of each value of label `name`.
    public func daily(
        _ filter: CallFilter, by period: DailyReport.Period, labelColumn name: String, utc: Bool,
        timeZone: TimeZone = .current
    ) throws -> [(value: String, rows: [DailyReport.Row])] {
        try storage {
            try backend.labelQuarterHours(name, filter).sorted { $0.key < $1.key }.map { value, quarters in
                (value, DailyReport.build(quarters, by: period, utc: utc, timeZone: timeZone))
            }
        }
    }

    /// What went wrong in `[since, until)` and now (docs/reports.md, "Anomalies").
    public func anomalies(
        since: Int64, until: Int64, labels: [Label] = [], now: Int64, thresholds: AnomaliesReport.Thresholds, utc: Bool,
        timeZone: TimeZone = .current
    ) throws -> AnomaliesReport {
        try storage {
            try AnomaliesReport.run(self, since: since, until: until, labels: labels, now: now, thresholds: thresholds, utc: utc, timeZone: timeZone)
        }
    }

    /// Everything `report html` shows, from the same functions as the
    /// other reports (so its figures are theirs). Anomalies cover the
    /// filter's period, else the whole archive.
    public func htmlReport(
        _ filter: CallFilter, by period: DailyReport.Period, utc: Bool, now: Int64,
        timeZone: TimeZone = .current
    ) throws -> HTMLReport {
        let held = try queuedRange()
        let anomalies = try self.anomalies(
            since: filter.since ?? held?.first ?? SafeMath.plus(now, -7 * 86_400), until: filter.until ?? now,
            labels: filter.labels, now: now, thresholds: AnomaliesReport.Thresholds(), utc: utc, timeZone: timeZone)
        // The bars cover whole local periods: the first from its start (a
        // rolling --since 7d would leave a sliver of a day), none after now
        // (calls queued ahead).
        let calendar = DailyReport.calendar(utc: utc, timeZone: timeZone)
        var whole = filter
        whole.since = filter.since.map { DailyReport.interval($0, period, calendar).start }
        let daily = try daily(whole, by: period, utc: utc, timeZone: timeZone).filter { $0.start <= now }
        // Each label name the period's calls carry, its most called values.
        let labels = try labelNames().compactMap { name -> (report: LabelsReport, values: Int)? in
            var report = try self.labels(name, filter)
            guard !report.rows.isEmpty else { return nil }
            let values = report.rows.count
            report.rows = Array(report.rows.sorted { ($0.calls, $1.value) > ($1.calls, $0.value) }.prefix(HTMLReport.labelValuesShown))
            return (report, values)
        }
        return HTMLReport(
            summary: try summary(filter), daily: daily, hours: try hours(filter, zone: calendar.timeZone), labels: labels, period: period,
            attempts: try attempts(filter), durations: try durations(filter), pending: try pending(filter, limit: 0),
            runs: try runs(since: filter.since, until: filter.until, limit: 0).filter { $0.kind == "archive" },
            anomalies: anomalies, filter: filter, archive: URL(fileURLWithPath: path).lastPathComponent,
            now: now, utc: utc, timeZone: timeZone)
    }

    /// The statuses a `--status` may name: the documented ones, then any
    /// other the archive holds.
    public func knownStatuses() throws -> [String] {
        let held = try storage { try backend.sql.rows("SELECT DISTINCT status FROM calls WHERE status IS NOT NULL") { $0.string(0) } }
        return CallStatus.documentedStatuses + held.filter { !CallStatus.documentedStatuses.contains($0) }.sorted()
    }

    /// The queued times the archive's calls span, nil when none has a status.
    public func queuedRange() throws -> (first: Int64, last: Int64, calls: Int)? {
        let bounds = "c.queued_timestamp BETWEEN \(FieldBounds.timestamp.lowerBound) AND \(FieldBounds.timestamp.upperBound)"
        return try storage {
            try backend.sql.first(
                "SELECT min(c.queued_timestamp), max(c.queued_timestamp), count(*) FROM calls c WHERE c.status IS NOT NULL AND \(bounds)"
            ) {
                r in r.optionalInt64(0).map { (first: $0, last: r.int64(1), calls: r.int(2)) }
            } ?? nil
        }
    }

    /// nil when the archive has never seen `id`.
    public func call(_ id: String) throws -> CallReport? { try storage { try CallReport.read(backend.sql, id: id) } }

    /// Storage errors leave as `StorageError`, in plain words: callers never
    /// see a backend's types, and people never see SQL. Each backend says
    /// its driver's errors in these words (`DriverError`).
    package static func storage<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as any DriverError {
            throw error.storageError(path: path)
        }
    }

    package func storage<T>(_ body: () throws -> T) throws -> T { try Self.storage(path, body) }
}

@available(*, unavailable)
extension CallArchive: Sendable {}
