import ArgumentParser
import CallHistory

struct ReportDurations: CallhistCommand {
    static let configuration = CommandConfiguration(commandName: "durations", abstract: "A histogram of completed calls' durations, and percentiles.")
    @OptionGroup var options: ReportOptions
    @OptionGroup var filters: CallFilterOptions
    @OptionGroup var chart: ChartOptions

    func execute() throws {
        let archive = try options.open()
        let report = try archive.durations(try filters.filter(utc: options.utc, archive: archive))
        options.print(report.rendered(options.rendering(chart)))
        if report.stats.count == 0 && report.unknown == 0 { try filters.explainEmpty(archive, utc: options.utc) }
    }
}
