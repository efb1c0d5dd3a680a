import ArgumentParser
import CallHistory
import Foundation

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the archive and the configuration; exit 1 when something needs attention.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var fuse: FuseOptions
    @Flag(help: "Also send one real request to the API to check the URL, the credentials, the proxy and TLS.") var ping = false
    @Option(
        help: ArgumentHelp(
            "Need attention (exit 1) when the last archive run that exited 0 ended longer ago than this (e.g. 36h): an alarm without Prometheus.",
            valueName: "duration"))
    var maxAge: DurationArgument?

    func validate() throws {
        if let maxAge, !(60...(3660 * 86_400)).contains(maxAge.seconds) { throw ValidationError("--max-age must be between 1m and 3660d") }
    }

    func run() throws {
        var attention = 0
        func report(_ check: ArchiveCheck) {
            if check.level == .warn || check.level == .fail { attention += 1 }
            print("\(check.level.rawValue.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)) \(SafeText.escape(check.message))")
        }
        do {
            let archive = try CallArchive.openForReading(database.path)
            for check in try archive.checks() { report(check) }
            if let maxAge {
                let now = Int64(Date().timeIntervalSince1970)
                if let last = try archive.lastSuccessfulArchive() {
                    let age = SafeMath.minus(now, last) ?? Int64.max
                    report(
                        ArchiveCheck(
                            age > maxAge.seconds ? .fail : .ok,
                            "last successful archive run ended \(TimeSpan.describe(age)) ago (--max-age \(maxAge.text))"))
                } else {
                    report(ArchiveCheck(.fail, "no archive run has succeeded yet (--max-age \(maxAge.text))"))
                }
            }
        } catch {
            report(ArchiveCheck(.fail, "\(error)"))
        }
        // Files that hold phone numbers and are not private (docs/reliability.md, "Private files").
        if CallArchive.isFile(database.path) {
            let path = database.path
            for exposure in [path, path + "-wal", path + "-shm", path + ".lock"].compactMap(PrivateFile.exposure(of:)) {
                report(
                    ArchiveCheck(.warn, exposure.description + ": chmod 600 (or 660 to share it with a group), or move it aside if it is not yours"))
            }
        }
        let settings = fuse.unchecked
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
