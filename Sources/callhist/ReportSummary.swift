import ArgumentParser
import CallHistory

struct ReportSummary: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "summary", abstract: "Calls, completion rate, durations and attempts.")
    @OptionGroup var options: ReportOptions

    func run() throws {
        do {
            options.print(try SummaryReport.run(try options.open(), filter: options.filter).rendered(options.rendering))
        } catch {
            throw Failure.exit(error)
        }
    }
}
