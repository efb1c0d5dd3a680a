import ArgumentParser
import CallHistory
import Foundation

struct Export: CallhistCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write calls, events or snapshots as CSV or NDJSON, or Datasette's metadata for the archive.",
        discussion: """
            CSV is RFC 4180 with a header and a stable column order, for spreadsheets: times are ISO 8601 with \
            their offset (the local zone, --tz, or Z with --utc) and each label name is a column (label_campaign…). \
            `export calls --format ndjson` writes {"call_id": …, "call_details": {…}} lines (unix times, every event). \
            `callhist import` reads back both. \
            Filters apply to the calls' queued_timestamp (--until is exclusive), status and phone number.

            `export datasette-metadata` writes metadata.json for Datasette: every table, view and column described, \
            and canned queries for the questions the reports answer (datasette serve ARCHIVE --metadata metadata.json).
            """
    )

    /// What `export` writes: a table's rows, or Datasette's metadata.
    enum Subject: String, CaseIterable, ExpressibleByArgument {
        case calls, events, snapshots
        case datasetteMetadata = "datasette-metadata"
    }

    @Argument(help: "What to export: calls, events, snapshots or datasette-metadata.") var subject: Subject
    @Option(help: "csv or ndjson.") var format: Exporter.Format = .csv
    @Option(help: ArgumentHelp("Write here instead of stdout (replaced atomically when done).", valueName: "file"), completion: .file()) var output:
        String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var filters: CallFilterOptions
    @Flag(help: "Dates read and CSV times written in UTC instead of the local time zone (TZ).") var utc = false
    @Option(help: ArgumentHelp("Dates read and CSV times written in this IANA time zone instead of the system's.", valueName: "zone"))
    var tz: String?

    func validate() throws {
        try ReportOptions.useZone(tz, utc: utc)
        if subject == .datasetteMetadata, filters.since != nil || filters.until != nil || filters.status != nil || filters.phone != nil {
            throw ValidationError("datasette-metadata describes the whole archive: it takes no --since, --until, --status or --phone")
        }
    }

    func execute() throws {
        if subject == .datasetteMetadata && !CallArchive.isFile(database.path) {
            throw ArchiveError.unsupported(
                path: database.name, operation: "export datasette-metadata",
                instead: """
                    Datasette reads SQLite files: take a local copy with `callhist copy --from URL --to FILE`, or point a \
                    PostgreSQL tool (Metabase, Grafana, Superset) at the database (docs/postgresql.md)
                    """)
        }
        let archive = try CallArchive.openForReading(database.path)
        guard let table = Exporter.Table(rawValue: subject.rawValue) else {
            let metadata = DatasetteMetadata.json(forArchive: archive.path)
            guard let output else { return print(metadata, terminator: "") }
            try AtomicRename.write(to: output) { try $0.write(metadata) }
            FileHandle.standardError.write(Data("wrote Datasette metadata to \(output): datasette serve \(archive.path) --metadata \(output)\n".utf8))
            return
        }
        let filter = try filters.filter(utc: utc, archive: archive)
        let zone: TimeZone? = utc ? nil : .current
        guard let output else {
            _ = try archive.export(table, format: format, filter: filter, zone: zone, to: .standardOutput())
            return
        }
        // Written beside the destination, then renamed: a reader never sees
        // half a file, and a failure (a full disk) leaves nothing behind.
        let rows = try AtomicRename.write(to: output) { sink in
            try archive.export(table, format: format, filter: filter, zone: zone, to: sink)
        }
        FileHandle.standardError.write(Data("exported \(rows) \(table.rawValue) to \(output)\n".utf8))
    }
}

extension Exporter.Format: ExpressibleByArgument {}
