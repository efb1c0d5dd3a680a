import ArgumentParser
import CallHistory

struct ReportDurations: CallhistCommand {
    static let configuration = CommandConfiguration(commandName: "durations", abstract: "A histogram of completed calls' durations, and percentiles.")
    @OptionGroup var options: ReportOptions

    func execute() throws {
        options.print(try DurationsReport.run(try options.open(), filter: options.filter).rendered(options.rendering))
    }
}
