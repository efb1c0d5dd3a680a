import ArgumentParser
import CallHistory

struct ReportDurations: CallhistCommand {
    static let configuration = CommandConfiguration(commandName: "durations", abstract: "A histogram of completed calls' durations, and percentiles.")
    @OptionGroup var options: ReportOptions

    func execute() throws {
        options.print(try options.open().durations(options.filter).rendered(options.rendering))
    }
}
