import ArgumentParser
import CallHistory
import Foundation

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the archive and the configuration; exit 1 when something needs attention.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var fuse: FuseOptions
    @Flag(help: "Also send one real request to the API to check the URL and credentials.") var ping = false

    func run() throws {
        var attention = 0
        func report(_ check: ArchiveCheck) {
            if check.level == .warn || check.level == .fail { attention += 1 }
            print("\(check.level.rawValue.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)) \(SafeText.escape(check.message))")
        }
        do {
            let archive = try CallArchive.openForReading(database.path)
            for check in try archive.checks() { report(check) }
        } catch {
            report(ArchiveCheck(.fail, "\(error)"))
        }
        let settings = FetchSettings(baseURL: fuse.baseURL, netrcFile: fuse.netrcFile)
        var configured = false
        do {
            report(ArchiveCheck(.ok, "credentials configured: \(try settings.check())"))
            configured = true
        } catch {
            report(ArchiveCheck(.warn, "credentials: \(error)"))
        }
        if let warning = settings.netrcWarning { report(ArchiveCheck(.warn, warning)) }
        if ping, configured { report(settings.ping()) }
        if attention > 0 {
            print("\(attention) item(s) need attention")
            throw ExitCode(1)
        }
    }
}
