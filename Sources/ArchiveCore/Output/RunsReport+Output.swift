extension RunsReport {
    /// `report runs` rows as printed, newest first: the CSV header is the
    /// JSON keys; the table leaves out `ended_at` and `version`.
    public static func rendered(_ rows: [Row], _ o: RenderOptions) -> String {
        let columns = ReportColumns<Row>([
            .int("run_id", \.runID), .text("kind", \.kind),
            .time("started_at", utc: o.utc, \.startedAt), .time("ended_at", utc: o.utc, inTable: false, \.endedAt),
            .int("seconds", \.seconds), .int("requested", \.counts.requested), .int("fetched", \.counts.fetched),
            .int("changed", \.counts.changed), .int("unchanged", \.counts.unchanged), .int("not_found", \.counts.notFound),
            .int("forbidden", \.counts.forbidden), .int("failed", \.counts.failed), .int("left_over", \.counts.leftOver),
            .int("http_requests", \.counts.httpRequests),
            .init(
                key: "exit_code", cell: { r in r.exitCode.map { TextTable.Cell.int($0) } ?? .text(r.endedAt == nil ? "running or killed" : nil) },
                json: { JSONOutput.orNull($0.exitCode) }),
            .text("message", \.message), .text("version", \.version, inTable: false),
        ])
        return o.emit([columns.table(rows, o.format)], json: columns.json(rows))
    }
}
