import ArgumentParser
import CallHistory

struct ReportCompare: CallhistCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract:
            "Two groups of calls side by side: two periods, or two values of a label, with each rate's difference and whether chance explains it.",
        discussion: """
            The first group is the calls the filters select; the second is the same with the --vs- options applied: \
            --since 2026-10-01 --until 2026-11-01 --vs-since 2026-09-01 --vs-until 2026-10-01, or \
            --label campaign=spring --vs-label campaign=autumn.
            """)
    @OptionGroup var options: ReportOptions
    @OptionGroup var filters: CallFilterOptions
    @Option(help: ArgumentHelp("The second group's --since (the same forms; unbounded without it).", valueName: "when")) var vsSince: String?
    @Option(help: ArgumentHelp("The second group's --until (unbounded without it).", valueName: "when")) var vsUntil: String?
    @Option(
        name: .customLong("vs-label"),
        help: ArgumentHelp(
            "The second group's value of a label (campaign=autumn), in place of the first group's; repeatable.", valueName: "name=value"))
    var vsLabels: [String] = []

    func validate() throws {
        guard vsSince != nil || vsUntil != nil || !vsLabels.isEmpty else {
            throw ValidationError("compare needs a second group: --vs-since/--vs-until (another period) or --vs-label NAME=VALUE (another value).")
        }
        _ = try TimeWindow(since: vsSince, until: vsUntil, utc: false, what: "calls queued")
        _ = try Label.arguments(vsLabels)
    }

    func execute() throws {
        let archive = try options.open()
        let first = try filters.filter(utc: options.utc, archive: archive)
        var second = first
        var firstName: [String] = []
        var secondName: [String] = []
        if vsSince != nil || vsUntil != nil {
            // The second period is exactly what the --vs- options say:
            // `--until X --vs-since X` is before X against from X on.
            let window = try TimeWindow(since: vsSince, until: vsUntil, utc: options.utc, what: "calls queued")
            second.since = window.since
            second.until = window.until
            firstName.append(Self.period(filters.since, filters.until))
            secondName.append(Self.period(vsSince, vsUntil))
        }
        for label in try Label.arguments(vsLabels) {
            let mine = first.labels.first { $0.name == label.name }
            second.labels = second.labels.filter { $0.name != label.name } + [label]
            firstName.append(mine.map { "\($0.name)=\($0.value)" } ?? "any \(label.name)")
            secondName.append("\(label.name)=\(label.value)")
        }
        let report = try archive.compare(
            (firstName.joined(separator: ", "), first), (secondName.joined(separator: ", "), second))
        options.print(report.rendered(options.rendering))
        if report.first.calls == 0 || report.second.calls == 0 {
            ExitPolicy.printError(
                "\(report.first.calls == 0 ? report.first.name : report.second.name): no call matches; the comparison has nothing to weigh.")
        }
    }

    /// `2026-09-01 to 2026-10-01`, as given.
    static func period(_ since: String?, _ until: String?) -> String {
        switch (since, until) {
        case (let s?, let u?): "\(s) to \(u)"
        case (let s?, nil): "since \(s)"
        case (nil, let u?): "before \(u)"
        case (nil, nil): "any time"
        }
    }
}
