import ArgumentParser
import CallHistory

struct ReportCall: CallhistCommand {
    static let configuration = CommandConfiguration(
        commandName: "call", abstract: "One call: fields, event timeline with gaps, status changes, snapshots.")
    @Argument(help: "The call id.") var id: String
    @OptionGroup var options: ReportOptions

    func execute() throws {
        guard let r = try options.open().call(id) else {
            throw InputError("\(id) is not in the archive \(options.database.name)")
        }
        options.print(r.rendered(id: id, options.rendering))
    }
}
