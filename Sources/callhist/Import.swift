import ArgumentParser
import CallHistory
import Foundation

struct Import: CallhistCommand {
    static let configuration = CommandConfiguration(
        abstract: "Archive saved status bodies: NDJSON lines {\"call_id\": …, \"call_details\": {…}}, or a calls CSV.",
        discussion: """
            Each NDJSON line is the status body with its call id, as `callhist export calls --format ndjson` \
            writes it (or a saved API response, or a result_url callback body with its id added). \
            A file whose first line is `call_id,…` is read as `callhist export calls` CSV (this release's \
            ISO 8601 times and label_NAME columns, or earlier releases' unix times and labels column). \
            Bad lines are reported with their line number and skipped; the rest land. Exit 65 if any line was bad.
            """
    )

    @Argument(help: ArgumentHelp("NDJSON or calls CSV files ('-' for stdin).", valueName: "file"), completion: .file()) var files: [String]
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Wait for another run on the same archive to finish instead of exiting 75.") var wait = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one file ('-' for stdin)") }
    }

    func execute() throws {
        let archive = try CallArchive.openForWriting(database.path, wait: wait)
        var shown = 0
        let report = try archive.importFiles(
            files, exitCode: ExitPolicy.code(for:), errorCode: { ExitPolicy.status(for: $0).rawValue },
            problem: { problem in
                shown += 1
                if shown <= 20 { ExitPolicy.printError(problem) }
            })
        try archive.close()
        if shown > 20 { ExitPolicy.printError("… and \(shown - 20) more bad lines") }
        let c = report.counts
        output.say(
            "imported \(c.fetched) of \(c.requested) records: \(c.new) new, \(c.changed - c.new) changed, \(c.unchanged) unchanged, \(report.badLines) bad [run \(report.runID)]"
        )
        if report.outcome != .completed { throw ExitPolicy.exit(ExitPolicy.status(for: report.outcome)) }
    }
}
