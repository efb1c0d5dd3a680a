import ArgumentParser
import CallHistory

struct Rebuild: CallhistCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-derive calls and events from the stored snapshots, offline (after a decoder fix).")

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Wait for another run on the same archive to finish instead of exiting 75.") var wait = false

    func execute() throws {
        let archive = try CallArchive.openForWriting(database.path, wait: wait)
        let report = try archive.rebuild()
        try archive.close()
        print(
            "rebuilt \(report.calls) calls from their newest snapshots: \(report.changed) changed, \(report.undecodable.count) could not be decoded")
        for line in report.undecodable.prefix(20) { ExitPolicy.printError("kept as it was: \(line)") }
    }
}
