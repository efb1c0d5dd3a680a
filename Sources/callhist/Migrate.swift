import ArgumentParser
import CallHistory
import SQLite

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the archive file, or upgrade it to this version's schema."
    )

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        do {
            let db = try ArchiveFile.openForWriting(database.path)
            let version = try Migrator.version(of: db)
            try db.close()
            print("\(database.path): schema version \(version)")
        } catch {
            throw Failure.exit(error)
        }
    }
}
