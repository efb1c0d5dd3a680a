import ArgumentParser
import CallHistory

struct ReportDaily: CallhistCommand {
    static let configuration = CommandConfiguration(commandName: "daily", abstract: "Calls, completion rate and mean duration per day (or hour, week, month).")
    @OptionGroup var options: ReportOptions
    @Option(help: "hour, day, week (from Monday) or month.") var by: DailyReport.Period = .day

    func execute() throws {
        let rows = try options.open().daily(options.filter, by: by, utc: options.utc)
        options.print(DailyReport.rendered(rows, by: by, options.rendering))
    }
}

extension DailyReport.Period: ExpressibleByArgument {}
