import ArgumentParser
import CallHistory
import Foundation

struct LabelCommand: CallhistCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Add labels to archived calls, or remove them.",
        discussion: """
            Labels usually come with the ids: an ids CSV's other columns, or archive --label. A later file adds labels \
            and never removes one; this command is how a label goes (--remove campaign drops every value of it, \
            --remove campaign=spring one value). All or nothing: an id the archive does not hold changes nothing.
            """)
    @Argument(help: "Call ids to label.") var ids: [String] = []
    @Option(
        name: .customLong("ids"), help: ArgumentHelp("A file of call ids ('-' for stdin), read as archive reads it. Repeatable.", valueName: "file"))
    var idFiles: [String] = []
    @Option(help: ArgumentHelp("Add this label (campaign=spring). Repeatable.", valueName: "name=value")) var add: [String] = []
    @Option(help: ArgumentHelp("Remove this label: a name (every value) or name=value. Repeatable.", valueName: "name[=value]")) var remove:
        [String] = []
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Wait for another run on the same archive to finish instead of exiting 75.") var wait = false

    func validate() throws {
        if ids.isEmpty && idFiles.isEmpty { throw ValidationError("name the ids to label, or pass --ids FILE") }
        if add.isEmpty && remove.isEmpty { throw ValidationError("say what to change: --add NAME=VALUE or --remove NAME[=VALUE]") }
        _ = try Label.arguments(add)
        _ = try removals()
    }

    func removals() throws -> [Labeller.Removal] {
        try remove.map { text in
            guard text.contains("=") else {
                let name = Label.normalizedName(text)
                if name.isEmpty { throw ValidationError("--remove \(text.debugDescription): no label name in it") }
                return Labeller.Removal(name: name, value: nil)
            }
            let label = try Label.arguments([text])[0]
            return Labeller.Removal(name: label.name, value: label.value)
        }
    }

    func execute() throws {
        guard CallArchive.exists(database.path) else { throw ArchiveError.missing(path: database.path) }
        let archive = try CallArchive.openForWriting(database.path, wait: wait) { holder in
            ExitPolicy.printError("waiting for \(holder) to finish with \(database.name)")
        }
        let report = try archive.label(ids, idFiles: idFiles, add: try Label.arguments(add), remove: try removals())
        try archive.close()
        print("\(report.calls) calls: \(report.added) labels added, \(report.removed) removed")
    }
}
