import ArgumentParser
import CallHistory
import Foundation
import SQLite

struct Backup: CallhistCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the archive consistently, even while an archive run writes it (SQLite's online backup).")

    @Argument(help: ArgumentHelp("The copy to create.", valueName: "dest")) var destination: String
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Replace DEST if it exists.") var force = false

    func execute() throws {
        if FileManager.default.fileExists(atPath: destination) && !force {
            throw InputError("\(destination) already exists; pass --force to replace it")
        }
        let source = try ArchiveFile.openForReading(database.path)
        // Copied into a temporary file beside DEST with the source's mode
        // (a private archive makes a private backup), checked, then renamed.
        let mode = PrivateFile.mode(of: database.path) ?? PrivateFile.defaultMode
        let temporary = AtomicRename.temporaryPath(for: destination)
        do {
            close(try PrivateFile.create(temporary, mode: mode, destination: destination))
            let copy = try Connection(path: temporary)
            try source.backup(to: copy)
            guard try copy.scalarString("PRAGMA quick_check") == "ok" else { throw InputError("the copy failed its integrity check") }
            let calls = try copy.scalarInt("SELECT count(*) FROM calls") ?? 0
            try copy.close()
            try AtomicRename.move(temporary, over: destination, mode: mode)
            print("backed up \(database.path) to \(destination): \(calls) calls, schema version \(Migrator.latestVersion)")
        } catch {
            unlink(temporary)
            throw error
        }
    }
}
