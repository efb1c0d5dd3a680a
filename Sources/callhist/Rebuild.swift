import ArgumentParser
import CallHistory

struct Rebuild: CallhistCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-derive calls and events from the stored snapshots, offline (after a decoder fix).")

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Wait for another run on the same archive to finish instead of exiting 75.") var wait = false

    func execute() throws {
        let lock = try RunLock(archivePath: database.path, wait: wait)
        let db = try ArchiveFile.openForWriting(database.path)
        let report = try Rebuilder(db: db).run()
        try db.close()
        withExtendedLifetime(lock) {}
        print("rebuilt \(report.calls) calls from their newest snapshots: \(report.changed) changed, \(report.undecodable.count) could not be decoded")
        for line in report.undecodable.prefix(20) { ExitPolicy.printError("kept as it was: \(line)") }
    }
}
