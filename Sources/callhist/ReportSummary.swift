import ArgumentParser
import CallHistory

struct ReportSummary: CallhistCommand {
    static let configuration = CommandConfiguration(commandName: "summary", abstract: "Calls, completion rate, durations and attempts.")
    @OptionGroup var options: ReportOptions

    func execute() throws {
        options.print(try options.open().summary(options.filter).rendered(options.rendering))
    }
}
