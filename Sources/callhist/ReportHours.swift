import ArgumentParser
import CallHistory

struct ReportHours: CallhistCommand {
    static let configuration = CommandConfiguration(
        commandName: "hours",
        abstract: "Calls, answer and completion rates and median duration by local hour of day (and weekday × hour).",
        discussion: "Hours follow the local clock (--tz, TZ or --utc), daylight saving included.")
    @OptionGroup var options: ReportOptions
    @OptionGroup var filters: CallFilterOptions
    @OptionGroup var chart: ChartOptions
    @Option(help: "hour (24 rows) or weekday (168 rows: weekday × hour).") var by: HoursReport.Grouping = .hour

    func execute() throws {
        let archive = try options.open()
        let report = try archive.hours(try filters.filter(utc: options.utc, archive: archive), zone: options.zone)
        options.print(report.rendered(by, options.rendering(chart)))
        if report.isEmpty { try filters.explainEmpty(archive, utc: options.utc) }
    }
}

extension HoursReport.Grouping: ExpressibleByArgument {}
