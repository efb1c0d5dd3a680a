import ArgumentParser
import CallHistory
import Foundation

/// The archive, the zone and the format: what every `report` subcommand takes.
struct ReportOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Dates and times in UTC instead of the local time zone (TZ).") var utc = false
    @Option(
        help: ArgumentHelp(
            "Dates and times in this IANA time zone (America/New_York, Europe/Paris) instead of the system's.", valueName: "zone"))
    var tz: String?
    @Option(help: "table, csv, json or markdown.") var format: ReportFormat = .table

    func validate() throws { try Self.useZone(tz, utc: utc) }

    /// `--tz` becomes the process's zone (TZ), so that every date read or
    /// printed — `--since`, periods, hours, times — follows it alike.
    static func useZone(_ tz: String?, utc: Bool) throws {
        guard let tz else { return }
        if utc { throw ValidationError("--tz \(tz) and --utc both name the zone: give one.") }
        guard TimeZone(identifier: tz) != nil else {
            throw ValidationError(
                "--tz \(tz.debugDescription): no such time zone; name one as the IANA database does (Europe/Paris, America/New_York, UTC).")
        }
        setenv("TZ", tz, 1)
        tzset()
        NSTimeZone.resetSystemTimeZone()
    }

    /// The zone reports read and print times in.
    var zone: TimeZone { utc ? TimeZone(identifier: "UTC")! : .current }

    /// Opens the archive read-only. With CALLHIST_TRACE_SQL=FILE every
    /// statement the report runs is appended to FILE (scripts/bench-reports.sh
    /// replays them with sqlite3 to measure the ceiling).
    func open() throws -> CallArchive {
        try CallArchive.openForReading(database.path, traceSQL: ProcessInfo.processInfo.environment["CALLHIST_TRACE_SQL"])
    }

    /// How the report is rendered (no bars: see `ChartOptions`).
    var rendering: RenderOptions { RenderOptions(format: format, utc: utc) }

    /// With bars in a table for a person at a terminal, unless `--no-chart`,
    /// as wide as the terminal leaves room for.
    func rendering(_ chart: ChartOptions) -> RenderOptions {
        RenderOptions(format: format, utc: utc, bars: !chart.noChart && isatty(STDOUT_FILENO) == 1, width: Self.terminalWidth())
    }

    /// The terminal's columns: what the terminal says (TIOCGWINSZ), else
    /// `COLUMNS`, else 80 (a terminal that reports no size, as under `script`).
    static func terminalWidth(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let text = environment["COLUMNS"], let columns = Int(text), columns > 0 { return columns }
        return 80
    }

    /// Whatever the format, a terminal never gets a byte from the data that
    /// drives it (docs/reliability.md, "Safe output"); a file or a pipe gets
    /// the output exact.
    func print(_ text: String) {
        Swift.print(isatty(STDOUT_FILENO) == 1 ? SafeText.terminal(text) : text, terminator: "")
    }
}

/// `--no-chart`, for the reports that draw bars on a terminal (daily,
/// attempts, durations).
struct ChartOptions: ParsableArguments {
    @Flag(help: "No bar column, even on a terminal.") var noChart = false
}

/// Which calls a report covers: queued in [--since, --until), a status, a
/// phone number (docs/reports.md). Checked against the archive: an unknown
/// status is refused with the known ones, and an empty answer says which
/// period the archive does hold.
struct CallFilterOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Calls queued at or after this: today, yesterday, 2026-11-15, '2026-11-15 12:00', an ISO-8601 time, @unix, or a span back from now (7d, 1h30m).",
            valueName: "when"))
    var since: String?
    @Option(help: ArgumentHelp("Calls queued before this (exclusive); the same forms as --since.", valueName: "when")) var until: String?
    @Option(help: "Only calls with this status (completed, failed, queued…; any case).") var status: String?
    @Option(help: "Only calls to this phone number.") var phone: String?
    @Option(
        name: .customLong("label"),
        help: ArgumentHelp("Only calls with this label (campaign=spring); repeat it and every one must match.", valueName: "name=value"))
    var labels: [String] = []

    /// Dates that cannot be read, or out of order, and labels that are not
    /// NAME=VALUE are usage errors before anything is opened.
    func validate() throws {
        _ = try TimeWindow(since: since, until: until, utc: false, what: "calls queued")
        _ = try parsedLabels()
    }

    /// `--label` values, the names normalised as the archive stores them.
    func parsedLabels() throws -> [Label] {
        try Label.arguments(labels)
    }

    /// The filter, with its times read in UTC or the local zone, and its
    /// status matched to one the archive or the API knows.
    func filter(utc: Bool, archive: CallArchive) throws -> CallFilter {
        let window = try TimeWindow(since: since, until: until, utc: utc, what: "calls queued")
        var filter = CallFilter(since: window.since, until: window.until, status: nil, phone: phone, labels: try parsedLabels())
        if let status {
            // No status is longer: a longer one is not echoed back whole.
            guard status.count <= CallFilter.longestStatus else {
                throw ValidationError("--status is \(status.utf8.count) bytes long: no status is longer than \(CallFilter.longestStatus) characters.")
            }
            let known = try archive.knownStatuses()
            guard let match = known.first(where: { $0.caseInsensitiveCompare(status) == .orderedSame }) else {
                throw ValidationError("--status \(status): no call has that status. Known statuses: \(known.joined(separator: ", ")).")
            }
            filter.status = match
        }
        return filter
    }

    /// On stderr, when a report found no call: what the archive does hold.
    func explainEmpty(_ archive: CallArchive, utc: Bool) throws {
        let held = try archive.queuedRange()
        var note = "no call matches"
        if since != nil || until != nil { note += " queued \(TimeWindow.describe(since: since, until: until))" }
        if let status { note += " with status \(status)" }
        if let phone { note += " to \(phone)" }
        for label in labels { note += " labelled \(label)" }
        if let held {
            note +=
                "; the archive holds \(held.calls) calls queued from \(Humanize.day(held.first, utc: utc)) to \(Humanize.day(held.last, utc: utc))"
        } else {
            note += "; the archive holds no call with a status yet (run callhist archive)"
        }
        ExitPolicy.printError(note + ".")
    }
}

/// `--since`/`--until` read with `TimeBound`, checked to be in order.
struct TimeWindow {
    var since: Int64?
    var until: Int64?

    init(since: String?, until: String?, utc: Bool, what: String) throws {
        for (name, text) in [("--since", since), ("--until", until)] {
            guard let text else { continue }
            guard let value = TimeBound.parse(text, utc: utc) else {
                throw ValidationError(
                    "\(name) \(text): expected today, yesterday, YYYY-MM-DD, 'YYYY-MM-DD HH:MM', an ISO-8601 time, @unix, or a span like 7d or 1h30m")
            }
            if name == "--since" { self.since = value } else { self.until = value }
        }
        if let s = self.since, let u = self.until, s >= u {
            throw ValidationError("--since \(since!) is not before --until \(until!): no \(what) can fall in between. Swap them?")
        }
    }

    static func describe(since: String?, until: String?) -> String {
        switch (since, until) {
        case (let s?, let u?): "from \(s) until \(u)"
        case (let s?, nil): "since \(s)"
        case (nil, let u?): "before \(u)"
        case (nil, nil): ""
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}
