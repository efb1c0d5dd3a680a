import ArgumentParser
import CallHistory

struct ReportAttempts: CallhistCommand {
    static let configuration = CommandConfiguration(commandName: "attempts", abstract: "Completion of final calls by attempts used and by max_attempts.")
    @OptionGroup var options: ReportOptions

    func execute() throws {
        options.print(try options.open().attempts(options.filter).rendered(options.rendering))
    }
}
