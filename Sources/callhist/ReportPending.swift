import ArgumentParser
import CallHistory

struct ReportPending: CallhistCommand {
    static let configuration = CommandConfiguration(commandName: "pending", abstract: "Calls not final yet and ids never fetched, oldest first.")
    @OptionGroup var options: ReportOptions
    @OptionGroup var filters: CallFilterOptions
    @Option(help: "Show at most this many calls (0 for all).") var limit = 100

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 (all) or more") }
    }

    func execute() throws {
        let archive = try options.open()
        options.print(try archive.pending(try filters.filter(utc: options.utc, archive: archive), limit: limit).rendered(options.rendering))
    }
}
