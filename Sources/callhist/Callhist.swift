import ArgumentParser
import CallHistory

@main
struct Callhist: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callhist",
        abstract: "Keep a permanent, queryable history of outbound calls placed through Plum Voice Fuse.",
        discussion: """
            The archive is one SQLite file (--db, else CALLHIST_DB, else ./callhist.sqlite), or a \
            PostgreSQL database named by a postgresql:// URL (docs/postgresql.md).

            Exit codes: 0 ok, 64 usage, 65 bad input data, 66 an input file missing (or a folder), \
            69 API unreachable, 70 a bug, 71 crontab or systemctl missing or failed (schedule), 73 the archive cannot be created or opened, 74 output could \
            not be written, 75 temporary failure (retry later; also an interrupted run), 77 \
            authentication refused, 78 configuration (or a server that is not the Fuse API).
            """,
        version: CallhistVersion.full,
        subcommands: [
            Archive.self, Import.self, Report.self, Export.self, Rebuild.self, Forget.self, LabelCommand.self, Backup.self, Copy.self, Doctor.self,
            Migrate.self, ScheduleCommand.self,
        ]
    )

    static func main() {
        TerminationSignals.unblock()
        main(nil)
    }
}
