import ArgumentParser
import CallHistory

struct ReportLabels: CallhistCommand {
    static let configuration = CommandConfiguration(
        commandName: "labels",
        abstract: "Calls, completion rate, attempts and durations for each value of a label (campaign, clinic…).",
        discussion: """
            Labels come from the other columns of an ids CSV, from archive --label, from imported records, or from \
            callhist label. A call with two values of the label counts in both rows; calls without it are in none.
            """)
    @OptionGroup var options: ReportOptions
    @OptionGroup var filters: CallFilterOptions
    @Argument(help: ArgumentHelp("The label's name (as in the CSV header; any case).", valueName: "name")) var name: String

    func validate() throws {
        if Label.normalizedName(name).isEmpty { throw ValidationError("label name \(name.debugDescription) has no letter or digit") }
    }

    func execute() throws {
        let archive = try options.open()
        let report = try archive.labels(Label.normalizedName(name), try filters.filter(utc: options.utc, archive: archive))
        options.print(report.rendered(options.rendering))
        if report.rows.isEmpty {
            let known = try archive.labelNames()
            let held =
                known.isEmpty
                ? "; the archive holds no labels yet (an ids CSV's other columns, or archive --label)."
                : ". Labels in the archive: \(known.joined(separator: ", "))."
            ExitPolicy.printError("no call has label \(Label.normalizedName(name)) among those selected" + held)
        }
    }
}
