import ArgumentParser
import CallHistory
import Foundation

struct Backup: CallhistCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the archive consistently, even while an archive run writes it (SQLite's online backup).")

    @Argument(help: ArgumentHelp("The copy to create.", valueName: "dest"), completion: .file()) var destination: String
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Replace DEST if it exists.") var force = false

    func execute() throws {
        if FileManager.default.fileExists(atPath: destination) && !force {
            throw InputError("\(destination) already exists; pass --force to replace it")
        }
        let archive = try CallArchive.openForReading(database.path)
        let calls = try archive.backup(to: destination)
        print("backed up \(database.name) to \(destination): \(calls) calls, schema version \(try archive.schemaVersion)")
    }
}
