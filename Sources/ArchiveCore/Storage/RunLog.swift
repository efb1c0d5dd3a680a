/// One run's row in `archive_runs`, written once for both backends:
/// created when the run starts, updated with its counts at every commit,
/// closed with its exit code. A killed run keeps its last committed counts
/// and no `ended_at`.
package struct RunLog {
    let db: any SQLDatabase
    package let runID: Int64

    /// Starts a run of `kind` ("archive", "import", "rebuild").
    package init(_ db: any SQLDatabase, kind: String, at now: Int64) throws {
        self.db = db
        runID =
            try db.first(
                "INSERT INTO archive_runs (kind, started_at, version, host) VALUES (?, ?, ?, ?) RETURNING run_id",
                [.text(kind), .integer(now), .text(CallhistVersion.string), .text(RunHost.name)]
            ) { $0.int64(0) } ?? 0
    }

    /// The row of a run that has one.
    package init(_ db: any SQLDatabase, runID: Int64) {
        self.db = db
        self.runID = runID
    }

    package func update(_ c: RunCounts) throws {
        try db.run(
            """
            UPDATE archive_runs SET requested = ?, fetched = ?, changed = ?, unchanged = ?, not_found = ?,
                forbidden = ?, failed = ?, left_over = ?, http_requests = ?, skipped_final = ?, skipped_waiting = ?, skipped_stale = ?
            WHERE run_id = ?
            """,
            [
                c.requested, c.fetched, c.changed, c.unchanged, c.notFound, c.forbidden, c.failed, c.leftOver, c.httpRequests, c.skippedFinal,
                c.skippedWaiting, c.skippedStale,
            ].map {
                .integer(Int64($0))
            }
                + [.integer(runID)])
    }

    package func finish(_ c: RunCounts, exitCode: Int32, message: String?, at now: Int64) throws {
        try update(c)
        try db.run(
            "UPDATE archive_runs SET ended_at = ?, exit_code = ?, message = ? WHERE run_id = ?",
            [.integer(now), .integer(Int64(exitCode)), message.map(SQLValue.text) ?? .null, .integer(runID)])
    }

    /// Closes a run that has no end yet, keeping its counts: a run that ended
    /// by an error, or whose end the lock file kept (`RunLock.Holder.end`).
    /// False when the row was closed already.
    @discardableResult
    package func end(exitCode: Int32, message: String, at time: Int64) throws -> Bool {
        try db.run(
            "UPDATE archive_runs SET ended_at = ?, exit_code = ?, message = ? WHERE run_id = ? AND ended_at IS NULL",
            [.integer(time), .integer(Int64(exitCode)), .text(message), .integer(runID)]) > 0
    }

    /// The latest start of a run other than `run`: a clock behind it went back.
    package static func lastStart(_ db: any SQLDatabase, excluding run: Int64?) throws -> Int64? {
        // Run ids start at 1: 0 excludes none.
        try db.integer("SELECT max(started_at) FROM archive_runs WHERE run_id <> ?", [.integer(run ?? 0)])
    }
}
