import ArgumentParser
import CallHistory

struct ReportDaily: CallhistCommand {
    static let configuration = CommandConfiguration(commandName: "daily", abstract: "Calls, completion rate and mean duration per day (or hour, week, month).")
    @OptionGroup var options: ReportOptions
    @OptionGroup var filters: CallFilterOptions
    @OptionGroup var chart: ChartOptions
    @Option(help: "hour, day, week (from Monday) or month.") var by: DailyReport.Period = .day

    func execute() throws {
        let archive = try options.open()
        let rows = try archive.daily(try filters.filter(utc: options.utc, archive: archive), by: by, utc: options.utc)
        options.print(DailyReport.rendered(rows, by: by, options.rendering(chart)))
        if rows.isEmpty { try filters.explainEmpty(archive, utc: options.utc) }
    }
}

extension DailyReport.Period: ExpressibleByArgument {}
