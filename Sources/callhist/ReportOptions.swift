import ArgumentParser
import CallHistory
import Foundation

/// Filters and output format shared by every `report` subcommand.
struct ReportOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("Calls queued at or after: YYYY-MM-DD, an ISO-8601 time, or a span back from now (7d, 12h).", valueName: "when")) var since: String?
    @Option(help: ArgumentHelp("Calls queued before (exclusive); same forms as --since.", valueName: "when")) var until: String?
    @Option(help: "Only calls with this status.") var status: String?
    @Option(help: "Only calls to this phone number.") var phone: String?
    @Flag(help: "Days and times in UTC instead of the local time zone (TZ).") var utc = false
    @Option(help: "table, csv, json or markdown.") var format: ReportFormat = .table

    func validate() throws {
        for (name, text) in [("--since", since), ("--until", until)] {
            if let text, TimeBound.parse(text, utc: utc) == nil {
                throw ValidationError("\(name) \(text): expected YYYY-MM-DD, an ISO-8601 time, or a span like 7d or 12h")
            }
        }
    }

    var filter: CallFilter {
        CallFilter(since: since.flatMap { TimeBound.parse($0, utc: utc) }, until: until.flatMap { TimeBound.parse($0, utc: utc) },
                   status: status, phone: phone)
    }

    /// Opens the archive read-only. With CALLHIST_TRACE_SQL=FILE every
    /// statement the report runs is appended to FILE (scripts/bench-reports.sh
    /// replays them with sqlite3 to measure the ceiling).
    func open() throws -> CallArchive {
        try CallArchive.openForReading(database.path, traceSQL: ProcessInfo.processInfo.environment["CALLHIST_TRACE_SQL"])
    }

    /// How the report is rendered: bars only for a person at a terminal.
    var rendering: RenderOptions {
        RenderOptions(format: format, utc: utc, bars: isatty(STDOUT_FILENO) == 1)
    }

    func print(_ text: String) {
        Swift.print(text, terminator: "")
    }
}

extension ReportFormat: ExpressibleByArgument {}
