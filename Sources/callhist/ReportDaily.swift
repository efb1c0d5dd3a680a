import ArgumentParser
import CallHistory
import Foundation

struct ReportDaily: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "daily", abstract: "Calls, completion rate and mean duration per day (or hour, week, month).")
    @OptionGroup var options: ReportOptions
    @Option(help: "hour, day, week (from Monday) or month.") var by: DailyReport.Period = .day

    func run() throws {
        do {
            let rows = try DailyReport.run(try options.open(), filter: options.filter, by: by, utc: options.utc)
            // A bar of the completion rate, for a person at a terminal.
            let bars = options.format == .table && isatty(STDOUT_FILENO) == 1
            var table = TextTable(columns: [by.rawValue, "calls", "final", "completed", "completion_rate", "mean_duration"] + (bars ? [""] : []))
            table.rows = rows.map { r in
                [.text(r.period), .int(r.calls), .int(r.final), .int(r.completed), .rate(r.completionRate), .seconds(r.meanDuration)]
                    + (bars ? [.text(Humanize.bar(r.completionRate))] : [])
            }
            options.emit([table], json: rows.map { r -> [String: Any] in
                [by.rawValue: r.period, "calls": r.calls, "final": r.final, "completed": r.completed,
                 "completion_rate": JSONOutput.orNull(r.completionRate), "mean_duration": JSONOutput.orNull(r.meanDuration)]
            })
        } catch {
            throw Failure.exit(error)
        }
    }
}

extension DailyReport.Period: ExpressibleByArgument {}
