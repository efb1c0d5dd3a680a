import ArgumentParser
import CallHistory

struct ReportRuns: CallhistCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "The archive and import runs, newest first.")
    @OptionGroup var options: ReportOptions
    @Option(help: "Show at most this many runs (0 for all).") var limit = 30

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 (all) or more") }
    }

    func execute() throws {
        // --since/--until select runs by their start time here.
        let f = options.filter
        let rows = try options.open().runs(since: f.since, until: f.until, limit: limit)
        options.print(RunsReport.rendered(rows, options.rendering))
    }
}
