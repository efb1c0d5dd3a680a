extension PendingReport {
    /// `report pending` as printed; open times are counted to `o.now`.
    public func rendered(_ o: RenderOptions) -> String {
        let now = o.now
        var table = TextTable(columns: ["call_id", "status", "queued", "open_for", "attempts", "last_checked", "next_check", "stale", "last_outcome"])
        table.rows = rows.map { c in
            [.text(c.callID), .text(c.status ?? "unfetched"), .time(c.queuedAt, utc: o.utc), .seconds(c.openFor(now: now)),
             .text(c.attempts.map { a in c.maxAttempts.map { "\(a)/\($0)" } ?? "\(a)" }), .time(c.lastFetchedAt, utc: o.utc),
             .time(c.nextCheckAt, utc: o.utc), .text(c.stale ? "yes" : "no"), .text(c.lastOutcome)]
        }
        if o.format == .table || o.format == .markdown {
            table.title = "\(pending) pending, \(unfetched) never fetched, \(stale) stale"
                + (rows.count < pending + unfetched ? " (oldest \(rows.count) shown; --limit 0 for all)" : "")
        }
        return o.emit([table], json: [
            "pending": pending, "unfetched": unfetched, "stale": stale,
            "calls": rows.map { c -> [String: Any] in
                ["call_id": c.callID, "status": JSONOutput.orNull(c.status), "queued_timestamp": JSONOutput.orNull(c.queuedAt),
                 "open_seconds": JSONOutput.orNull(c.openFor(now: now)), "attempts": JSONOutput.orNull(c.attempts), "max_attempts": JSONOutput.orNull(c.maxAttempts),
                 "last_fetched_at": JSONOutput.orNull(c.lastFetchedAt), "next_check_at": c.nextCheckAt, "stale": c.stale,
                 "last_outcome": JSONOutput.orNull(c.lastOutcome), "last_error": JSONOutput.orNull(c.lastError)]
            },
        ] as [String: Any])
    }
}
