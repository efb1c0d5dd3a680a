extension RunsReport {
    /// `report runs` rows as printed, newest first.
    public static func rendered(_ rows: [Row], _ o: RenderOptions) -> String {
        var table = TextTable(columns: ["run", "kind", "started", "seconds", "requested", "fetched", "changed", "unchanged",
                                        "not_found", "forbidden", "failed", "left_over", "requests", "exit"])
        table.rows = rows.map { r in
            let c = r.counts
            return [.int(r.runID), .text(r.kind), .time(r.startedAt, utc: o.utc), .int(r.seconds), .int(c.requested), .int(c.fetched),
                    .int(c.changed), .int(c.unchanged), .int(c.notFound), .int(c.forbidden), .int(c.failed), .int(c.leftOver),
                    .int(c.httpRequests), r.exitCode.map { TextTable.Cell.int($0) } ?? .text(r.endedAt == nil ? "killed?" : nil)]
        }
        return o.emit([table], json: rows.map { r -> [String: Any] in
            let c = r.counts
            return ["run_id": r.runID, "kind": r.kind, "started_at": r.startedAt, "ended_at": JSONOutput.orNull(r.endedAt),
                    "requested": c.requested, "fetched": c.fetched, "changed": c.changed, "unchanged": c.unchanged, "not_found": c.notFound,
                    "forbidden": c.forbidden, "failed": c.failed, "left_over": c.leftOver, "http_requests": c.httpRequests,
                    "exit_code": JSONOutput.orNull(r.exitCode), "message": JSONOutput.orNull(r.message)]
        })
    }
}
