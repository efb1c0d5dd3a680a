import ArgumentParser
import CallHistory

struct ReportSummary: CallhistCommand {
    static let configuration = CommandConfiguration(commandName: "summary", abstract: "Calls, completion rate, durations and attempts.")
    @OptionGroup var options: ReportOptions
    @OptionGroup var filters: CallFilterOptions

    func execute() throws {
        let archive = try options.open()
        let report = try archive.summary(try filters.filter(utc: options.utc, archive: archive))
        options.print(report.rendered(options.rendering))
        if report.calls == 0 { try filters.explainEmpty(archive, utc: options.utc) }
    }
}
