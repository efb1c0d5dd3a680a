import ArgumentParser
import CallHistory

/// The archive file option shared by every subcommand.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The archive file (default: $CALLHIST_DB, else ./callhist.sqlite).", valueName: "path"))
    var db: String?

    var path: String { CallArchive.resolvePath(db) }
}
