import ArgumentParser
import CallHistory
import Foundation

struct Migrate: CallhistCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the archive file, or upgrade it to this version's schema."
    )

    @OptionGroup var database: DatabaseOptions

    func execute() throws {
        let existed = CallArchive.exists(database.path)
        let started = Int64(Date().timeIntervalSince1970)
        let archive = try CallArchive.openForWriting(database.path)
        let version = try archive.schemaVersion
        let note = try archive.labelMergeNote(since: started)
        try archive.close()
        print("\(database.name): \(existed ? "schema" : "created at schema") version \(version)")
        if let note { print(note) }
    }
}
