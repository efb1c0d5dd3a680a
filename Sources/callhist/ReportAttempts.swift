import ArgumentParser
import CallHistory

struct ReportAttempts: CallhistCommand {
    static let configuration = CommandConfiguration(
        commandName: "attempts", abstract: "Completion of final calls by attempts used and by max_attempts.")
    @OptionGroup var options: ReportOptions
    @OptionGroup var filters: CallFilterOptions
    @OptionGroup var chart: ChartOptions

    func execute() throws {
        let archive = try options.open()
        let report = try archive.attempts(try filters.filter(utc: options.utc, archive: archive))
        options.print(report.rendered(options.rendering(chart)))
        if report.byAttempts.isEmpty { try filters.explainEmpty(archive, utc: options.utc) }
    }
}
