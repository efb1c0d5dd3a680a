import ArgumentParser
import CallHistory
import Foundation

struct Forget: CallhistCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove ids the API never found (junk from a bad ids file) from the archive.",
        discussion: """
            An id stays in the archive once a run has seen it, and one that is not final is \
            re-checked. forget removes ids that never brought data (no body: 404s, 403s, failures). \
            A call with archived data is refused — nothing is removed — unless --force, which deletes \
            it with its bodies, events and status changes. Ids come from the arguments and --ids \
            files, read as archive reads them.
            """
    )

    @Argument(help: "Call ids to forget.") var ids: [String] = []
    @Option(name: .customLong("ids"), help: ArgumentHelp("A file of call ids ('-' for stdin). Repeatable.", valueName: "file"), completion: .file())
    var idFiles: [String] = []
    @Flag(help: "Also forget calls that have archived data (their bodies and events are deleted).") var force = false
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Wait for another run on the same archive to finish instead of exiting 75.") var wait = false

    func validate() throws {
        if ids.isEmpty && idFiles.isEmpty { throw ValidationError("name the ids to forget, or pass --ids FILE") }
    }

    func execute() throws {
        guard CallArchive.exists(database.path) else { throw ArchiveError.missing(path: database.path) }
        let archive = try CallArchive.openForWriting(database.path, wait: wait) { holder in
            ExitPolicy.printError("waiting for \(holder) to finish with \(database.name)")
        }
        let report = try archive.forget(ids, idFiles: idFiles, force: force)
        try archive.close()
        var line = "forgot \(report.forgotten + report.forgottenWithData) ids"
        if report.forgottenWithData > 0 { line += " (\(report.forgottenWithData) with their archived data)" }
        if report.unknown > 0 { line += "; \(report.unknown) were not in the archive" }
        print(line)
    }
}
