import ArgumentParser
import CallHistory
import Foundation

struct ReportPending: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pending", abstract: "Calls not final yet and ids never fetched, oldest first.")
    @OptionGroup var options: ReportOptions
    @Option(help: "Show at most this many calls (0 for all).") var limit = 100

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 (all) or more") }
    }

    func run() throws {
        do {
            let r = try PendingReport.run(try options.open(), filter: options.filter, limit: limit)
            let now = Int64(Date().timeIntervalSince1970)
            var table = TextTable(columns: ["call_id", "status", "queued", "open_for", "attempts", "last_checked", "next_check", "stale", "last_outcome"])
            table.rows = r.rows.map { c in
                [.text(c.callID), .text(c.status ?? "unfetched"), .time(c.queuedAt, utc: options.utc), .seconds(c.openFor(now: now)),
                 .text(c.attempts.map { a in c.maxAttempts.map { "\(a)/\($0)" } ?? "\(a)" }), .time(c.lastFetchedAt, utc: options.utc),
                 .time(c.nextCheckAt, utc: options.utc), .text(c.stale ? "yes" : "no"), .text(c.lastOutcome)]
            }
            if options.format == .table || options.format == .markdown {
                table.title = "\(r.pending) pending, \(r.unfetched) never fetched, \(r.stale) stale"
                    + (r.rows.count < r.pending + r.unfetched ? " (oldest \(r.rows.count) shown; --limit 0 for all)" : "")
            }
            options.emit([table], json: [
                "pending": r.pending, "unfetched": r.unfetched, "stale": r.stale,
                "calls": r.rows.map { c -> [String: Any] in
                    ["call_id": c.callID, "status": JSONOutput.orNull(c.status), "queued_timestamp": JSONOutput.orNull(c.queuedAt),
                     "open_seconds": JSONOutput.orNull(c.openFor(now: now)), "attempts": JSONOutput.orNull(c.attempts), "max_attempts": JSONOutput.orNull(c.maxAttempts),
                     "last_fetched_at": JSONOutput.orNull(c.lastFetchedAt), "next_check_at": c.nextCheckAt, "stale": c.stale,
                     "last_outcome": JSONOutput.orNull(c.lastOutcome), "last_error": JSONOutput.orNull(c.lastError)]
                },
            ] as [String: Any])
        } catch {
            throw Failure.exit(error)
        }
    }
}
