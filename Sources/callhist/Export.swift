import ArgumentParser
import CallHistory
import Foundation

struct Export: CallhistCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write calls, events or snapshots as CSV or NDJSON.",
        discussion: """
            CSV is RFC 4180 with a header and a stable column order. `export calls --format ndjson` \
            writes {"call_id": …, "call_details": {…}} lines that `callhist import` reads back. \
            Filters apply to the calls' queued_timestamp (--until is exclusive), status and phone number.
            """
    )

    @Argument(help: "What to export: calls, events or snapshots.") var table: Exporter.Table
    @Option(help: "csv or ndjson.") var format: Exporter.Format = .csv
    @Option(help: ArgumentHelp("Write here instead of stdout (replaced atomically when done).", valueName: "file")) var output: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var filters: CallFilterOptions
    @Flag(help: "Read dates in UTC instead of the local time zone (TZ).") var utc = false

    func execute() throws {
        let archive = try CallArchive.openForReading(database.path)
        let filter = try filters.filter(utc: utc, archive: archive)
        guard let output else {
            _ = try archive.export(table, format: format, filter: filter, to: .standardOutput())
            return
        }
        // Written beside the destination, then renamed: a reader never sees
        // half a file, and a failure (a full disk) leaves nothing behind.
        let rows = try AtomicRename.write(to: output) { sink in
            try archive.export(table, format: format, filter: filter, to: sink)
        }
        FileHandle.standardError.write(Data("exported \(rows) \(table.rawValue) to \(output)\n".utf8))
    }
}

extension Exporter.Table: ExpressibleByArgument {}
extension Exporter.Format: ExpressibleByArgument {}
