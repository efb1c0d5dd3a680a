import ArgumentParser
import CallHistory
import Foundation

struct Export: CallhistCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write calls, events or snapshots as CSV or NDJSON.",
        discussion: """
            CSV is RFC 4180 with a header and a stable column order. `export calls --format ndjson`
            writes {"call_id": …, "call_details": {…}} lines that `callhist import` reads back.
            Filters apply to the calls' queued_timestamp (--until is exclusive) and status.
            """
    )

    @Argument(help: "What to export: calls, events or snapshots.") var table: Exporter.Table
    @Option(help: "csv or ndjson.") var format: Exporter.Format = .csv
    @Option(help: ArgumentHelp("Write here instead of stdout (replaced atomically when done).", valueName: "file")) var output: String?
    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("Calls queued at or after: YYYY-MM-DD, an ISO-8601 time, or a span back from now (7d, 12h).", valueName: "when")) var since: String?
    @Option(help: ArgumentHelp("Calls queued before (exclusive); same forms as --since.", valueName: "when")) var until: String?
    @Option(help: "Only calls with this status.") var status: String?
    @Flag(help: "Read dates in UTC instead of the local time zone (TZ).") var utc = false

    func execute() throws {
        var filter = CallFilter(status: status)
        for (name, text) in [("--since", since), ("--until", until)] {
            guard let text else { continue }
            guard let value = TimeBound.parse(text, utc: utc) else {
                throw ValidationError("\(name) \(text): expected YYYY-MM-DD, an ISO-8601 time, or a span like 7d or 12h")
            }
            if name == "--since" { filter.since = value } else { filter.until = value }
        }
        let archive = try CallArchive.openForReading(database.path)
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
