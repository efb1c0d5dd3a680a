import Foundation
import FuseAPI

/// One `callhist archive` run: gathers the ids (given, and archived ones
/// due for a re-check), fetches them politely, and stores each answer in
/// batches. The caller holds the `RunLock`.
public final class Archiver {
    public struct Options {
        public var ids: [String] = []
        /// Ids files (`-` is stdin).
        public var idFiles: [String] = []
        /// Also consider archived calls that are not final (not only the ids given).
        public var refresh = true
        /// Re-check every non-final call now, stale ones included.
        public var refreshAll = false
        /// Fetch every given id now, final or not due.
        public var force = false
        /// Calls queued longer ago than this are stale: listed, no longer fetched.
        public var staleAfter: Int64 = 30 * 86_400
        /// Labels for every id given (`--label`), besides an ids CSV's columns.
        public var labels: [Label] = []
        public var batchSize = 5000
        public var batchInterval: Duration = .seconds(1)
        public init() {}
    }

    /// What a run would do: every id it considers, counted by reason,
    /// separately for the ids given and the calls found in the archive.
    /// Every given id is in exactly one bucket.
    public struct Plan: Equatable, Sendable {
        public var given: [Schedule.Reason: Int] = [:]
        public var archived: [Schedule.Reason: Int] = [:]
        public var requested: Int { given.values.reduce(0, +) }
        public var toFetch: Int {
            given.filter { $0.key.fetches }.values.reduce(0, +) + archived.filter { $0.key.fetches }.values.reduce(0, +)
        }
        public init() {}
    }

    /// One id of a dry run's list.
    public struct PlanEntry: Sendable {
        public var callID: String
        /// From the arguments or an ids file (else found in the archive).
        public var given: Bool
        public var reason: Schedule.Reason
        /// When a waiting call is due, or when a stale one became stale.
        public var at: Int64?

        package init(callID: String, given: Bool, reason: Schedule.Reason, at: Int64? = nil) {
            self.callID = callID
            self.given = given
            self.reason = reason
            self.at = at
        }
    }

    public struct Progress {
        public let done: Int
        /// Ids the run set out to fetch.
        public let total: Int
        /// Of those, how many its request budget allows (for the ETA).
        public let reachable: Int
        public let failed: Int
        public let elapsed: Duration
        /// Time left before `--max-runtime` ends the run, if set.
        public let runtimeLeft: Duration?
    }

    /// Why ids the run set out to fetch were left for the next run.
    public enum StopCause: String, Sendable {
        case budget, unauthorized, misconfigured, interrupted
        /// The circuit breaker gave up on the API (docs/reliability.md, "API outages").
        case outage
        /// The API asked ids to wait longer than a run waits (`Retry-After`).
        case throttled
    }

    public struct Report {
        public var counts: RunCounts
        public var outcome: RunOutcome
        /// Why the run ended badly, or nil.
        public var message: String?
        /// Things the operator should know although the run went on.
        public var warnings: [String] = []
        public var runID: Int64
        /// Why `counts.leftOver` ids were not reached, when some were not.
        public var stopCause: StopCause?
        /// Labels the ids given brought that the archive did not have.
        public var labelsAdded = 0
        /// What the circuit breaker saw when it gave up on the API, if it did.
        public var outage: APIOutage?
        /// The first ids the API did not know (404), at most `unknownShown`;
        /// `counts.notFound` is how many there were.
        public var unknownIDs: [String] = []
        public static let unknownShown = 10
    }

    package let rows: any ArchiveRunRows
    package let options: Options
    package let now: () -> Int64
    /// The ids files with labels of ids new to the archive, left for
    /// `addFileLabels` (CSV columns besides the id).
    private var deferredLabelFiles: Set<String> = []

    /// Over any backend's rows (`SQLiteRunRows`, `PostgresRunRows`).
    package init(rows: any ArchiveRunRows, options: Options, now: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.rows = rows
        self.options = options
        self.now = now
    }

    /// Reads every id first: a refused id stops the run before any request.
    /// Ids stream from their files into a temporary table (SQLite's, on disk
    /// when large), so ten million of them cost no Swift memory. A stop
    /// request (a signal) ends the reading with `RunInterrupted`. With
    /// `labels`, `--label`, the labels of calls the archive holds and those
    /// of ids read from stdin (which cannot be read twice) go into
    /// `call_labels` in the same transaction — all of them or, when a line
    /// is refused, none — and the number added is returned; the labels of
    /// new ids in ids files are written by `addFileLabels` while the
    /// fetching runs.
    @discardableResult
    private func loadRequestedIDs(labels writing: Bool = false, interrupted: () -> Bool = { false }) throws -> Int {
        try rows.resetRequested()
        return try rows.transaction {
            var added = 0
            for (index, id) in options.ids.enumerated() {
                if let problem = CallID.problem(with: id) {
                    throw InputError("argument \(index + 1): refused id \(id.debugDescription): \(problem). Nothing was fetched.")
                }
                try rows.request(id, typed: true)
            }
            var read = 0
            for file in options.idFiles {
                try IDFileReader.read(file, interrupted: interrupted) { id, _, labels in
                    read += 1
                    if read % 4096 == 0, interrupted() { throw RunInterrupted() }
                    try rows.request(id, typed: false)
                    guard writing, !labels.isEmpty else { return }
                    // A call the archive holds: its labels are checked now (one
                    // range scan; nothing written when all are there, as on a
                    // nightly re-read). A new id's wait for the fetching, but
                    // stdin's cannot: it is read once.
                    let held = try rows.isArchived(id)
                    if file == "-" || held {
                        added += try rows.addLabels(labels, to: id)
                    } else {
                        deferredLabelFiles.insert(file)
                    }
                }
            }
            if writing {
                for l in options.labels { added += try rows.labelRequested(l) }
            }
            return added
        }
    }

    /// The labels of the ids files' ids (their CSV columns), read a second
    /// time while the fetching thread works: a 49-column file costs the run
    /// its label writes only where the API is faster than they are
    /// (scripts/bench-labels.sh). Ids the first reading did not see (lines
    /// appended since) are left for the next run. Stops at a stop request;
    /// what was added stays (labels only ever add).
    private func addFileLabels(interrupted: () -> Bool) throws -> Int {
        // Only files with labels of new ids: a plain ids file, or one whose
        // ids the archive held (checked while read), is read once.
        let files = options.idFiles.filter { deferredLabelFiles.contains($0) }
        guard !files.isEmpty else { return 0 }
        var added = 0
        var read = 0
        try rows.transaction {
            for file in files {
                try IDFileReader.read(file, interrupted: interrupted) { id, _, labels in
                    read += 1
                    if read % 4096 == 0, interrupted() { throw RunInterrupted() }
                    guard !labels.isEmpty, try rows.isRequested(id) else { return }
                    added += try rows.addLabels(labels, to: id)
                }
            }
        }
        return added
    }

    /// True when the stored stale marks may be re-derived from the clock:
    /// a clock behind the last run's start would mark at random.
    private func clockBehind(_ t: Int64, excluding runID: Int64? = nil) throws -> Int64? {
        let lastStart = try rows.lastRunStart(excluding: runID)
        return lastStart.flatMap { $0 > t ? $0 : nil }
    }

    private func inputs(at t: Int64, markStale: Bool) -> Schedule.Inputs {
        Schedule.Inputs(
            now: t, staleAfter: options.staleAfter, markStale: markStale, refresh: options.refresh,
            refreshAll: options.refreshAll, force: options.force)
    }

    /// Says what a run would do, without writing or fetching anything;
    /// `list` gets every id considered, in the order a run would fetch.
    public func plan(list: ((PlanEntry) throws -> Void)? = nil) throws -> Plan {
        try loadRequestedIDs()
        let t = now()
        try rows.classify(inputs(at: t, markStale: try clockBehind(t) == nil))
        if let list { try rows.planEntries(list) }
        var p = Plan()
        p.given = try rows.planCounts(given: true)
        p.archived = try rows.planCounts(given: false)
        return p
    }

    /// Runs the archive. Bad ids throw `InputError` (after recording the
    /// run); every other outcome is in the report. `exitCode` is the
    /// caller's mapping, recorded in `archive_runs`. `interruption` names the
    /// signal that asked the run to stop (first SIGINT/SIGTERM), or nil:
    /// then nothing more starts, what is in flight finishes (bounded), and
    /// the run is recorded as interrupted. `started` gets the run's id as
    /// soon as it has one (the run lock shows it to a waiting run).
    ///
    /// An error that ends the run part-way (a full disk, a damaged file)
    /// still closes its row (`RunEnding`).
    package func run(
        client: FuseClient, exitCode: (RunOutcome) -> Int32, ending: RunEnding = RunEnding(),
        interruption: @escaping @Sendable () -> String? = { nil }, started: (Int64) -> Void = { _ in },
        progress: (Progress) -> Void = { _ in }
    ) throws -> Report {
        let runID = try rows.startRun(kind: "archive", at: now())
        started(runID)
        do {
            return try run(runID: runID, client: client, exitCode: exitCode, interruption: interruption, progress: progress)
        } catch let error as InputError {
            throw error  // recorded with exit 65 already
        } catch {
            ending.record(error, runID: runID, rows: rows, at: now())
            throw error
        }
    }

    private func run(
        runID: Int64, client: FuseClient, exitCode: (RunOutcome) -> Int32, interruption: @escaping @Sendable () -> String?,
        progress: (Progress) -> Void
    ) throws -> Report {
        var counts = RunCounts()
        var labelsAdded = 0
        func interruptedMessage(_ signal: String, _ what: String) -> String {
            "interrupted by \(signal): \(what); the next run carries on"
        }
        do {
            labelsAdded = try loadRequestedIDs(labels: true, interrupted: { interruption() != nil })
        } catch let error as InputError {
            try rows.finishRun(runID, counts, exitCode: exitCode(.badInput), message: error.message, at: now())
            throw error
        } catch is RunInterrupted {
            let message = interruptedMessage(interruption() ?? "a signal", "stopped while reading the ids, nothing was fetched")
            try rows.finishRun(runID, counts, exitCode: exitCode(.interrupted), message: message, at: now())
            return Report(counts: counts, outcome: .interrupted, message: message, runID: runID, stopCause: .interrupted)
        }
        let store = try CallStore(rows: rows.calls, runID: runID)
        var warnings: [String] = []
        let planned = now()
        try rows.transaction {
            let t = planned
            // Stale follows the clock and --stale-after both ways: a call
            // becomes stale past the horizon and due again when a longer
            // --stale-after (or a corrected clock) puts it back inside. A
            // clock behind the last run's start would mark at random: then
            // nothing changes and the operator is told.
            let behind = try clockBehind(t, excluding: runID)
            if let behind {
                warnings.append(
                    "the clock (unix \(t)) is earlier than the start of the last run (unix \(behind)): nothing was marked stale or un-stale. Check the system clock."
                )
            } else {
                try rows.markStale(openedBefore: SafeMath.plus(t, -options.staleAfter))
            }
            // One schedule for every id (Schedule): given ids already archived
            // wait for their turn like the archive's own.
            try rows.classify(inputs(at: t, markStale: behind == nil))
            counts.requested = try rows.prepareTargets()
            let skipped = try rows.skippedCounts()
            counts.skippedFinal = skipped[.final] ?? 0
            counts.skippedWaiting = skipped[.waiting] ?? 0
            counts.skippedStale = skipped[.stale] ?? 0
            try rows.updateRun(runID, counts)
        }

        // The fetching (curl, decoding) runs on its own thread; this thread
        // writes, and pages the ids out of temp.targets to it a few thousand
        // at a time. Bounded hand-offs both ways keep memory flat whatever
        // the number of ids, and let the store work while answers arrive.
        let feed = IDFeed()
        var pagedUpTo = 0
        func topUp() throws {
            while feed.hasRoom {
                guard let page = try rows.page(after: pagedUpTo, limit: rows.pageSize, run: runID) else { return feed.close() }
                pagedUpTo = page.last
                feed.offer(page.ids)
            }
        }
        // The new ids are remembered (so a run killed from then on leaves
        // them due) before any answer is stored: where pages need their
        // rows, first; else while the first answers arrive.
        func rememberNew() throws { try rows.transaction { try rows.rememberNew(at: planned, run: runID) } }
        if rows.pagesClaimRows { try rememberNew() }
        try topUp()
        let queue = BlockingQueue<FetchThread.Fetched>(capacity: 4096)
        let fetched = FetchThread(client: client, feed: feed, queue: queue, shouldFinish: { interruption() != nil })
        fetched.start()
        /// Stops the fetching when the writing failed: nothing more starts, what is in flight ends.
        func abandon(_ fetched: FetchThread) {
            fetched.stop()
            queue.close()
            _ = fetched.wait()
        }
        do {
            if !rows.pagesClaimRows { try rememberNew() }
        } catch {
            abandon(fetched)
            throw error
        }
        do {
            labelsAdded += try addFileLabels(interrupted: { interruption() != nil })
        } catch is RunInterrupted {
            // The labels are written again by the next run; the fetching stops on its own.
        } catch let error as InputError {
            warnings.append("the labels of the ids files were not all added (\(error.message)); the next run adds them")
        } catch {
            abandon(fetched)
            throw error
        }

        let writer = BatchWriter(rows: rows, maxRows: options.batchSize, maxInterval: options.batchInterval) {
            try self.rows.updateRun(runID, counts)
        }
        let startedAt = ContinuousClock.now
        let reachable = min(counts.requested, client.configuration.maxRequests ?? .max)
        let deadline = client.configuration.deadline
        var unauthorized: String?
        var misconfigured: String?
        var unreachableFailures = 0
        var untrusted = false
        var lastFailure: String?
        var unknownIDs: [String] = []
        var deferred = 0
        var longestWait: Duration = .zero
        do {
            // Whenever no answer is waiting, what was received is committed:
            // no write transaction is held while the fetch waits on the network.
            while case let batch = try queue.takeAll(
                idleEvery: writer.idleEvery,
                idle: {
                    try topUp()
                    try writer.idle()
                }), !batch.isEmpty
            {
                try store.prefetch(batch.compactMap { if case .found = $0.result.outcome { $0.result.callID } else { nil } })
                for fetched in batch {
                    let result = fetched.result
                    counts.httpRequests += result.requests
                    try writer.write {
                        let t = now()
                        switch result.outcome {
                        case .found(let status):
                            counts.fetched += 1
                            switch try store.store(result.callID, status, sha256: fetched.sha256, at: t) {
                            case .new:
                                counts.new += 1
                                counts.changed += 1
                            case .changed: counts.changed += 1
                            case .unchanged, .older: counts.unchanged += 1
                            }
                        case .notFound(let message):
                            counts.notFound += 1
                            if unknownIDs.count < Report.unknownShown { unknownIDs.append(result.callID) }
                            try store.recordProblem(result.callID, outcome: "not_found", httpStatus: 404, message: message, at: t)
                        case .forbidden(let message):
                            counts.forbidden += 1
                            try store.recordProblem(result.callID, outcome: "forbidden", httpStatus: 403, message: message, at: t)
                        case .unauthorized(let message):
                            unauthorized = message
                        case .misconfigured(let message):
                            misconfigured = message
                        case .deferred(let wait):
                            deferred += 1
                            longestWait = max(longestWait, wait)
                        case .failed(let failure):
                            counts.failed += 1
                            if failure.unreachable { unreachableFailures += 1 }
                            if failure.untrustedCertificate { untrusted = true }
                            lastFailure = "\(result.callID): \(failure.reason)"
                            try store.recordProblem(
                                result.callID, outcome: failure.malformed ? "malformed" : "failed",
                                httpStatus: failure.httpStatus, message: failure.reason, at: t)
                        }
                    }
                }
                try topUp()
                progress(
                    Progress(
                        done: counts.done, total: counts.requested, reachable: reachable, failed: counts.failed,
                        elapsed: ContinuousClock.now - startedAt, runtimeLeft: deadline.map { $0 - ContinuousClock.now }))
            }
        } catch {
            abandon(fetched)
            throw error
        }
        let summary = fetched.wait()
        counts.httpRequests = summary.requests
        // Ids a concurrent run had (PostgreSQL) were its work, not left over.
        if rows.passedOver > 0 {
            counts.requested -= rows.passedOver
            warnings.append("\(rows.passedOver) ids were being fetched by another run at the same time and were left to it")
        }
        counts.leftOver = max(0, counts.requested - counts.done)
        try writer.finish()

        var outcome = RunOutcome.completed
        var message: String?
        var stopCause: StopCause?
        let base = client.configuration.endpoint.baseURL
        if let misconfigured {
            outcome = .misconfigured
            stopCause = .misconfigured
            message =
                "the server at \(base) is not the Fuse API: it answered \(misconfigured). Check --base-url (it normally ends in /api, like \(FuseEndpoint.defaultBaseURL)); the run stopped at once and recorded no call as not found."
        } else if let unauthorized {
            outcome = .unauthorized
            stopCause = .unauthorized
            message =
                "authentication refused (HTTP 401: \(unauthorized)). Check FUSE_EMAIL and FUSE_DEVELOPER_KEY (or the netrc file); the run stopped at once."
        } else if summary.interrupted {
            outcome = .interrupted
            stopCause = .interrupted
            message = interruptedMessage(interruption() ?? "a signal", "\(counts.done) ids done, \(counts.leftOver) left")
        } else if let outage = summary.outage, summary.answered > 0 || unreachableFailures < counts.failed {
            outcome = .outage
            stopCause = .outage
            message = Self.outageMessage(outage, base: base, counts: counts, giveUpAfter: client.configuration.giveUpAfter)
        } else if counts.failed > 0 && summary.answered == 0 && unreachableFailures == counts.failed {
            outcome = .unreachable
            message =
                untrusted
                ? "the API's certificate is not trusted (\(lastFailure ?? "TLS failed")). If your network inspects TLS with its own CA, pass --cacert FILE (or set CALLHIST_CA_BUNDLE); the ids stay due."
                : "the API could not be reached (\(lastFailure ?? "no answer")). Check --base-url, --proxy and the network; the ids stay due for the next run."
            if let outage = summary.outage {
                message! += " " + Self.outageMessage(outage, base: base, counts: counts, giveUpAfter: client.configuration.giveUpAfter)
            }
        } else if counts.failed > 0 {
            outcome = .partial
            message =
                "\(counts.failed) calls could not be fetched after retries (last: \(lastFailure ?? "?")). They stay due; the next run tries again."
        }
        if deferred > 0, outcome == .completed || outcome == .partial {
            let policy = client.configuration.retry
            let words =
                "\(deferred) ids were left for the next run: the API asked them to wait (Retry-After up to \(Int(longestWait / .seconds(1))) s) "
                + "longer than a run waits (\(Int(policy.maxRetryAfter / .seconds(1))) s per id, \(Int(policy.maxRetryAfterPerRun / .seconds(1))) s per run)."
            outcome = .partial
            message = message.map { $0 + " " + words } ?? words
            if stopCause == nil { stopCause = .throttled }
        }
        if stopCause == nil, counts.leftOver > 0, summary.budgetExhausted { stopCause = .budget }
        try rows.transaction { try rows.finishRun(runID, counts, exitCode: exitCode(outcome), message: message, at: now()) }
        return Report(
            counts: counts, outcome: outcome, message: message, warnings: warnings, runID: runID, stopCause: stopCause,
            labelsAdded: labelsAdded, outage: summary.outage, unknownIDs: unknownIDs)
    }

    /// "Fuse unreachable since 02:14:07: 20 consecutive failed requests
    /// (connection refused ×20) across 20 ids; 1203 of 4187 ids fetched; the
    /// rest wait for the next run".
    static func outageMessage(_ outage: APIOutage, base: String, counts: RunCounts, giveUpAfter: Duration?) -> String {
        let since = Date().addingTimeInterval(-((ContinuousClock.now - outage.since) / .seconds(1)))
        let clock = DateFormatter()
        clock.locale = Locale(identifier: "en_US_POSIX")
        clock.dateFormat = "HH:mm:ss"
        let limit = giveUpAfter.map { " (--give-up-after \(Int($0 / .seconds(1)))s)" } ?? ""
        return "Fuse unreachable since \(clock.string(from: since)) (\(base)): \(outage.description); the run gave up\(limit) instead of "
            + "retrying every id. \(counts.fetched) of \(counts.requested) ids fetched; the rest wait for the next run."
    }
}

/// A stop request (a signal) ended reading the ids.
package struct RunInterrupted: Error {}
