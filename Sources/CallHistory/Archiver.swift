import Foundation
import FuseAPI
import SQLite

/// One `callhist archive` run: gathers the ids (given, and archived ones
/// due for a re-check), fetches them politely, and stores each answer in
/// batches. The caller holds the `RunLock`.
public final class Archiver {
    public struct Options {
        public var ids: [String] = []
        /// Ids files (`-` is stdin).
        public var idFiles: [String] = []
        /// Re-check archived calls that are not final and are due.
        public var refresh = true
        /// Re-check every non-final call now, stale ones included.
        public var refreshAll = false
        /// Calls queued longer ago than this are stale: listed, no longer fetched.
        public var staleAfter: Int64 = 30 * 86_400
        public var batchSize = 500
        public var batchInterval: Duration = .seconds(1)
        public init() {}
    }

    /// What a dry run would do.
    public struct Plan: Equatable {
        public var requested = 0
        public var new = 0
        public var alreadyFinal = 0
        public var due = 0
        public var stale = 0
        public var waiting = 0
        public var toFetch = 0
    }

    public struct Progress {
        public let done: Int
        public let total: Int
        public let failed: Int
        public let elapsed: Duration
    }

    public struct Report {
        public var counts: RunCounts
        public var outcome: RunOutcome
        /// Why the run ended badly, or nil.
        public var message: String?
        /// Things the operator should know although the run went on.
        public var warnings: [String] = []
        public var runID: Int64
    }

    let db: Connection
    let options: Options
    let now: () -> Int64

    /// When a call's life started, for the stale rule: a call is stale while
    /// this is older than `--stale-after` (docs/reliability.md).
    static let openedAt = "coalesce(queued_timestamp, first_seen_at)"
    /// Ids per page handed to the fetching thread (it holds at most four).
    static let idPage = 5000

    init(db: Connection, options: Options, now: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.db = db
        self.options = options
        self.now = now
    }

    /// Reads every id first: a refused id stops the run before any request.
    /// Ids stream from their files into a temporary table (SQLite's, on disk
    /// when large), so ten million of them cost no Swift memory.
    private func loadRequestedIDs() throws {
        try db.execute("""
            CREATE TEMP TABLE IF NOT EXISTS requested (seq INTEGER PRIMARY KEY, call_id TEXT NOT NULL UNIQUE);
            DELETE FROM temp.requested;
            """)
        try db.transaction {
            let insert = try db.cached("INSERT INTO temp.requested (call_id) VALUES (?) ON CONFLICT (call_id) DO NOTHING")
            for (index, id) in options.ids.enumerated() {
                if let problem = CallID.problem(with: id) {
                    throw InputError("argument \(index + 1): refused id \(id.debugDescription): \(problem). Nothing was fetched.")
                }
                try insert.run([id])
            }
            for file in options.idFiles {
                try IDFileReader.read(file) { id, _ in try insert.run([id]) }
            }
        }
    }

    /// Counts what a run would do, without writing or fetching anything.
    public func plan() throws -> Plan {
        try loadRequestedIDs()
        let t = now()
        var p = Plan()
        p.requested = Int(try db.scalarInt("SELECT count(*) FROM temp.requested") ?? 0)
        p.new = Int(try db.scalarInt("SELECT count(*) FROM temp.requested r WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.call_id = r.call_id)") ?? 0)
        p.alreadyFinal = Int(try db.scalarInt("SELECT count(*) FROM temp.requested r JOIN calls c USING (call_id) WHERE c.is_final = 1") ?? 0)
        let staleBefore = SafeMath.plus(t, -options.staleAfter)
        p.stale = Int(try db.scalarInt("""
            SELECT count(*) FROM calls WHERE is_final = 0 AND \(Self.openedAt) < ?
            """, [staleBefore]) ?? 0)
        if options.refresh {
            p.due = Int(try db.scalarInt("""
                SELECT count(*) FROM calls WHERE is_final = 0 AND call_id NOT IN (SELECT call_id FROM temp.requested)
                AND (?1 OR (\(Self.openedAt) >= ?2 AND next_check_at <= ?3))
                """, [options.refreshAll, staleBefore, t]) ?? 0)
            p.waiting = Int(try db.scalarInt("""
                SELECT count(*) FROM calls WHERE is_final = 0 AND next_check_at > ? AND \(Self.openedAt) >= ?
                """, [t, staleBefore]) ?? 0)
        }
        p.toFetch = p.requested - p.alreadyFinal + p.due
        return p
    }

    /// Runs the archive. Bad ids throw `InputError` (after recording the
    /// run); every other outcome is in the report. `exitCode` is the
    /// caller's mapping, recorded in `archive_runs`.
    public func run(client: FuseClient, exitCode: (RunOutcome) -> Int32, progress: (Progress) -> Void = { _ in }) throws -> Report {
        let log = try RunLog(db: db, kind: "archive", at: now())
        var counts = RunCounts()
        do {
            try loadRequestedIDs()
        } catch let error as InputError {
            try log.finish(counts, exitCode: exitCode(.badInput), message: error.message, at: now())
            throw error
        }
        let store = try CallStore(db: db, runID: log.runID)
        var warnings: [String] = []
        try db.transaction {
            let t = now()
            // Stale follows the clock and --stale-after both ways: a call
            // becomes stale past the horizon and due again when a longer
            // --stale-after (or a corrected clock) puts it back inside. A
            // clock behind the last run's start would mark at random: then
            // nothing changes and the operator is told.
            let lastStart = try db.scalarInt("SELECT max(started_at) FROM archive_runs WHERE run_id <> ?", [log.runID])
            if let lastStart, lastStart > t {
                warnings.append("the clock (unix \(t)) is earlier than the start of the last run (unix \(lastStart)): nothing was marked stale or un-stale. Check the system clock.")
            } else {
                try db.cached("""
                    UPDATE calls SET is_stale = (\(Self.openedAt) < ?1)
                    WHERE is_final = 0 AND is_stale IS NOT (\(Self.openedAt) < ?1)
                    """).run([SafeMath.plus(t, -options.staleAfter)])
            }
            try db.cached("INSERT INTO calls (call_id, first_seen_at, first_seen_run) SELECT call_id, ?, ? FROM temp.requested WHERE true ON CONFLICT (call_id) DO NOTHING")
                .run([t, log.runID])
            try db.execute("""
                CREATE TEMP TABLE IF NOT EXISTS targets (seq INTEGER PRIMARY KEY, call_id TEXT NOT NULL UNIQUE);
                DELETE FROM temp.targets;
                INSERT INTO temp.targets (call_id)
                    SELECT r.call_id FROM temp.requested r JOIN calls c USING (call_id) WHERE c.is_final = 0 ORDER BY r.seq;
                """)
            if options.refresh {
                try db.cached("""
                    INSERT INTO temp.targets (call_id)
                    SELECT call_id FROM calls WHERE is_final = 0 AND (?1 OR (is_stale = 0 AND next_check_at <= ?2))
                    ORDER BY next_check_at
                    ON CONFLICT (call_id) DO NOTHING
                    """).run([options.refreshAll, t])
            }
            counts.requested = Int(try db.scalarInt("SELECT count(*) FROM temp.targets") ?? 0)
            try log.update(counts)
        }

        // The fetching (curl, decoding) runs on its own thread; this thread
        // writes, and pages the ids out of temp.targets to it a few thousand
        // at a time. Bounded hand-offs both ways keep memory flat whatever
        // the number of ids, and let the store work while answers arrive.
        let feed = IDFeed()
        let page = try db.prepare("SELECT seq, call_id FROM temp.targets WHERE seq > ? ORDER BY seq LIMIT \(Self.idPage)")
        var pagedUpTo = 0
        func topUp() throws {
            while feed.hasRoom {
                let rows = try page.map([pagedUpTo]) { (seq: $0.int(0), id: $0.string(1)) }
                guard let last = rows.last else { return feed.close() }
                pagedUpTo = last.seq
                feed.offer(rows.map(\.id))
            }
        }
        try topUp()
        let queue = BlockingQueue<FetchResult>(capacity: 4096)
        let fetched = FetchThread(client: client, feed: feed, queue: queue)
        fetched.start()

        let writer = BatchWriter(db: db, maxRows: options.batchSize, maxInterval: options.batchInterval) { try log.update(counts) }
        let started = ContinuousClock.now
        var unauthorized: String?
        var unreachableFailures = 0
        var lastFailure: String?
        do {
            // Whenever no answer is waiting, what was received is committed:
            // no write transaction is held while the fetch waits on the network.
            while case let batch = try queue.takeAll(idle: { try topUp(); try writer.commit() }), !batch.isEmpty {
                for result in batch {
                    counts.httpRequests += result.requests
                    try writer.write {
                        let t = now()
                        switch result.outcome {
                        case .found(let status):
                            counts.fetched += 1
                            switch try store.store(result.callID, status, at: t) {
                            case .new: counts.new += 1; counts.changed += 1
                            case .changed: counts.changed += 1
                            case .unchanged, .older: counts.unchanged += 1
                            }
                        case .notFound(let message):
                            counts.notFound += 1
                            try store.recordProblem(result.callID, outcome: "not_found", httpStatus: 404, message: message, at: t)
                        case .forbidden(let message):
                            counts.forbidden += 1
                            try store.recordProblem(result.callID, outcome: "forbidden", httpStatus: 403, message: message, at: t)
                        case .unauthorized(let message):
                            unauthorized = message
                        case .failed(let failure):
                            counts.failed += 1
                            if failure.unreachable { unreachableFailures += 1 }
                            lastFailure = "\(result.callID): \(failure.reason)"
                            try store.recordProblem(result.callID, outcome: failure.malformed ? "malformed" : "failed",
                                                    httpStatus: failure.httpStatus, message: failure.reason, at: t)
                        }
                    }
                }
                try topUp()
                progress(Progress(done: counts.done, total: counts.requested, failed: counts.failed, elapsed: ContinuousClock.now - started))
            }
        } catch {
            fetched.stop()
            queue.close()
            _ = fetched.wait()
            throw error
        }
        let summary = fetched.wait()
        counts.httpRequests = summary.requests
        counts.leftOver = max(0, counts.requested - counts.done)
        try writer.commit()

        var outcome = RunOutcome.completed
        var message: String?
        if let unauthorized {
            outcome = .unauthorized
            message = "authentication refused (HTTP 401: \(unauthorized)). Check FUSE_EMAIL and FUSE_DEVELOPER_KEY (or the netrc file); the run stopped at once."
        } else if counts.failed > 0 && summary.answered == 0 && unreachableFailures == counts.failed {
            outcome = .unreachable
            message = "the API could not be reached (\(lastFailure ?? "no answer")). Check --base-url and the network; the ids stay due for the next run."
        } else if counts.failed > 0 {
            outcome = .partial
            message = "\(counts.failed) calls could not be fetched after retries (last: \(lastFailure ?? "?")). They stay due; the next run tries again."
        }
        try db.transaction { try log.finish(counts, exitCode: exitCode(outcome), message: message, at: now()) }
        return Report(counts: counts, outcome: outcome, message: message, warnings: warnings, runID: log.runID)
    }
}
