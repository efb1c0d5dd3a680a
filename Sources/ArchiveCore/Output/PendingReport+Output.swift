extension PendingReport {
    /// `report pending` as printed; open times are counted to `o.now`. CSV
    /// is the JSON's `calls`, key for key; the table leaves out `last_error`.
    public func rendered(_ o: RenderOptions) -> String {
        let now = o.now
        let columns = ReportColumns<Row>([
            .text("call_id", \.callID),
            .text(
                "status",
                { row in
                    row.status
                        ?? (o.format == .table || o.format == .markdown ? (row.lastOutcome == "not_found" ? "unknown (404)" : "unfetched") : nil)
                }),
            .time("queued_timestamp", utc: o.utc, \.queuedAt), .seconds("open_seconds", { $0.openFor(now: now).map(Double.init) }),
            .int("attempts", \.attempts), .int("max_attempts", \.maxAttempts),
            .time("last_fetched_at", utc: o.utc, \.lastFetchedAt), .time("next_check_at", utc: o.utc, \.nextCheckAt),
            .bool("stale", \.stale), .text("last_outcome", \.lastOutcome), .text("last_error", \.lastError, inTable: false),
        ])
        var table = columns.table(rows, o.format)
        if o.format == .table || o.format == .markdown {
            table.title =
                "\(pending) pending, \(unfetched) never fetched\(unknown > 0 ? " (\(unknown) unknown to the API)" : ""), \(stale) stale"
                + (rows.count < pending + unfetched ? " (oldest \(rows.count) shown; --limit 0 for all)" : "")
        }
        let json: JSONObject = ["pending": pending, "unfetched": unfetched, "unknown": unknown, "stale": stale, "calls": columns.json(rows)]
        return o.emit([table], json: json)
    }
}
