import ArgumentParser
import CallHistory

/// The archive option shared by every subcommand: a SQLite file, or a
/// PostgreSQL database by URL (docs/postgresql.md).
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The archive: a SQLite file, or postgresql://… (default: $CALLHIST_DB, else ./callhist.sqlite).", valueName: "path|url"),
        completion: .file())
    var db: String?

    /// Where the archive is: a path, or a URL that may carry a password.
    var path: String { CallArchive.resolvePath(db) }
    /// How output names it: never with a password.
    var name: String { CallArchive.displayName(path) }
}
