import ArgumentParser
import CallHistory

struct ReportRuns: CallhistCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "The archive and import runs, newest first.")
    @OptionGroup var options: ReportOptions
    @Option(
        help: ArgumentHelp(
            "Runs started at or after this: today, yesterday, 2026-11-15, an ISO-8601 time, @unix, or a span back from now (7d).", valueName: "when"))
    var since: String?
    @Option(help: ArgumentHelp("Runs started before this (exclusive); the same forms as --since.", valueName: "when")) var until: String?
    @Option(help: "Show at most this many runs (0 for all).") var limit = 30

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 (all) or more") }
        _ = try TimeWindow(since: since, until: until, utc: false, what: "runs")
    }

    func execute() throws {
        let window = try TimeWindow(since: since, until: until, utc: options.utc, what: "runs")
        let rows = try options.open().runs(since: window.since, until: window.until, limit: limit)
        options.print(RunsReport.rendered(rows, options.rendering))
    }
}
