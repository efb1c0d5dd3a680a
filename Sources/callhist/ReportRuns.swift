import ArgumentParser
import CallHistory

struct ReportRuns: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "The archive and import runs, newest first.")
    @OptionGroup var options: ReportOptions
    @Option(help: "Show at most this many runs (0 for all).") var limit = 30

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 (all) or more") }
    }

    func run() throws {
        do {
            // --since/--until select runs by their start time here.
            let f = options.filter
            let rows = try RunsReport.run(try options.open(), since: f.since, until: f.until, limit: limit)
            var table = TextTable(columns: ["run", "kind", "started", "seconds", "requested", "fetched", "changed", "unchanged",
                                            "not_found", "forbidden", "failed", "left_over", "requests", "exit"])
            table.rows = rows.map { r in
                let c = r.counts
                return [.int(r.runID), .text(r.kind), .time(r.startedAt, utc: options.utc), .int(r.seconds), .int(c.requested), .int(c.fetched),
                        .int(c.changed), .int(c.unchanged), .int(c.notFound), .int(c.forbidden), .int(c.failed), .int(c.leftOver),
                        .int(c.httpRequests), r.exitCode.map { TextTable.Cell.int($0) } ?? .text(r.endedAt == nil ? "killed?" : nil)]
            }
            options.emit([table], json: rows.map { r -> [String: Any] in
                let c = r.counts
                return ["run_id": r.runID, "kind": r.kind, "started_at": r.startedAt, "ended_at": JSONOutput.orNull(r.endedAt),
                        "requested": c.requested, "fetched": c.fetched, "changed": c.changed, "unchanged": c.unchanged, "not_found": c.notFound,
                        "forbidden": c.forbidden, "failed": c.failed, "left_over": c.leftOver, "http_requests": c.httpRequests,
                        "exit_code": JSONOutput.orNull(r.exitCode), "message": JSONOutput.orNull(r.message)]
            })
        } catch {
            throw Failure.exit(error)
        }
    }
}
