import ArgumentParser
import CallHistory
import Foundation

struct LabelCommand: CallhistCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Set labels of archived calls, or remove them.",
        discussion: """
            Labels usually come with the ids: an ids CSV's other columns, or archive --label. A call holds one value \
            per label name: a later file, import or --add that sets the name replaces the value (a corrected sheet), \
            and never removes a name; this command is how a label goes (--remove campaign drops it, \
            --remove campaign=spring only that value). All or nothing: an id the archive does not hold changes nothing. \
            It prints, for each name changed, the calls per value before and after.
            """)
    @Argument(help: "Call ids to label.") var ids: [String] = []
    @Option(
        name: .customLong("ids"), help: ArgumentHelp("A file of call ids ('-' for stdin), read as archive reads it. Repeatable.", valueName: "file"),
        completion: .file())
    var idFiles: [String] = []
    @Option(help: ArgumentHelp("Set this label (campaign=spring), replacing another value of the name. Repeatable.", valueName: "name=value"))
    var add: [String] = []
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
        print("\(report.calls) calls: \(report.added) labels added, \(report.replaced) replaced, \(report.removed) removed")
        for n in report.counts {
            // The values whose count changed, then the rest up to ten.
            let values = Set(n.before.keys).union(n.after.keys).sorted {
                let (a, b) = (n.after[$0] ?? 0, n.after[$1] ?? 0)
                return a != b ? a > b : $0 < $1
            }
            let moved = values.filter { n.before[$0] != n.after[$0] }
            let shown = moved + values.filter { n.before[$0] == n.after[$0] }.prefix(max(0, 10 - moved.count))
            let cells = shown.map { "\(SafeText.escape($0)) \(n.before[$0] ?? 0) → \(n.after[$0] ?? 0)" }
            print("  \(n.name) (calls before → after): " + cells.joined(separator: ", ") + (values.count > shown.count ? ", …" : ""))
        }
    }
}
