import ArgumentParser
import CallHistory
import Foundation

struct ReportHTML: CallhistCommand {
    static let configuration = CommandConfiguration(
        commandName: "html",
        abstract: "One self-contained HTML page: headline figures, anomalies, and charts with their numbers.",
        discussion: """
            The page fetches nothing when opened (no script, font or library from elsewhere), so it reads the same offline, \
            attached to a mail, or printed. Its figures are those of the JSON reports over the same filters; every chart \
            has the numbers behind it in a table. Anomalies cover the period (the whole archive without --since).
            """)
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Dates and times in UTC instead of the local time zone (TZ).") var utc = false
    @Option(help: ArgumentHelp("Dates, days and hours in this IANA time zone instead of the system's.", valueName: "zone")) var tz: String?
    @OptionGroup var filters: CallFilterOptions
    @Option(help: "Bars per hour, day, week (from Monday) or month.") var by: DailyReport.Period = .day
    @Option(
        name: [.short, .long], help: ArgumentHelp("Write the page here (replaced whole, or not at all); - for standard output.", valueName: "file"),
        completion: .file())
    var output: String

    func validate() throws { try ReportOptions.useZone(tz, utc: utc) }

    func execute() throws {
        let archive = try CallArchive.openForReading(database.path, traceSQL: ProcessInfo.processInfo.environment["CALLHIST_TRACE_SQL"])
        let now = Int64(Date().timeIntervalSince1970)
        let page = try archive.htmlReport(try filters.filter(utc: utc, archive: archive), by: by, utc: utc, now: now).rendered()
        if output == "-" {
            print(page, terminator: "")
            return
        }
        try AtomicRename.write(to: output) { try $0.write(page) }
        print("Wrote \(output) (\(page.utf8.count / 1024 + 1) KB): open it in a browser; it needs no network.")
    }
}
