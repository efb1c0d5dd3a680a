import ArgumentParser
import CallHistory
import Foundation
import SQLite

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the archive consistently, even while an archive run writes it (SQLite's online backup).")

    @Argument(help: ArgumentHelp("The copy to create.", valueName: "dest")) var destination: String
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Replace DEST if it exists.") var force = false

    func run() throws {
        do {
            if FileManager.default.fileExists(atPath: destination) && !force {
                throw InputError("\(destination) already exists; pass --force to replace it")
            }
            let source = try ArchiveFile.openForReading(database.path)
            // Copy into a temporary file beside DEST, check it, then rename over DEST.
            let temporary = destination + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
            try? FileManager.default.removeItem(atPath: temporary)
            do {
                let copy = try Connection(path: temporary)
                try source.backup(to: copy)
                guard try copy.scalarString("PRAGMA quick_check") == "ok" else { throw InputError("the copy failed its integrity check") }
                let calls = try copy.scalarInt("SELECT count(*) FROM calls") ?? 0
                try copy.close()
                try AtomicRename.move(temporary, over: destination)
                print("backed up \(database.path) to \(destination): \(calls) calls, schema version \(Migrator.latestVersion)")
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            }
        } catch {
            throw Failure.exit(error)
        }
    }
}
