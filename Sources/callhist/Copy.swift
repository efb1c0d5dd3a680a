import ArgumentParser
import CallHistory
import Foundation

struct Copy: CallhistCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy an archive between SQLite and PostgreSQL (either way), streaming and resumable.",
        discussion: """
            FROM and TO are each a SQLite file or a postgresql:// URL. TO is created and migrated when needed. \
            Calls go in chunks, each with its snapshots, events and status changes in one transaction: an \
            interrupted copy run again carries on after the last call it wrote. At the end every table's rows \
            are counted on both sides; a difference (TO held other rows) exits 65. See docs/postgresql.md.
            """)

    @Option(help: ArgumentHelp("The archive to read: a SQLite file or a postgresql:// URL.", valueName: "path|url"), completion: .file()) var from:
        String
    @Option(help: ArgumentHelp("The archive to write: a SQLite file or a postgresql:// URL.", valueName: "path|url"), completion: .file()) var to:
        String
    @Option(help: ArgumentHelp("Calls per transaction.", valueName: "n")) var chunk = 5000
    @Flag(help: "Print nothing but errors.") var quiet = false

    func validate() throws {
        guard (1...1_000_000).contains(chunk) else { throw ValidationError("--chunk must be 1…1000000") }
        guard CallArchive.displayName(from) != CallArchive.displayName(to) else { throw ValidationError("--from and --to name the same archive") }
    }

    func execute() throws {
        let started = Date()
        let report = try ArchiveCopier(chunk: chunk).copy(from: from, to: to)
        guard !quiet else { return }
        let seconds = Date().timeIntervalSince(started)
        print(
            "copied \(report.copiedCalls) calls from \(CallArchive.displayName(from)) to \(CallArchive.displayName(to)) in \(String(format: "%.1f", seconds)) s"
        )
        for t in report.tables { print("  \(t.table): \(t.destination) rows (source \(t.source))") }
    }
}
