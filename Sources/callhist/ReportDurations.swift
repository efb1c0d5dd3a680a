import ArgumentParser
import CallHistory

struct ReportDurations: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "durations", abstract: "A histogram of completed calls' durations, and percentiles.")
    @OptionGroup var options: ReportOptions

    func run() throws {
        do {
            options.print(try DurationsReport.run(try options.open(), filter: options.filter).rendered(options.rendering))
        } catch {
            throw Failure.exit(error)
        }
    }
}
