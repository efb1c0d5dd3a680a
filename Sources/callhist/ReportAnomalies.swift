import ArgumentParser
import CallHistory
import Foundation

struct ReportAnomalies: CallhistCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomalies",
        abstract: "What went wrong: stuck calls, bad days, impossible data, a stale archive.",
        discussion: """
            Each finding has a severity (error, warning, info), a kind, a subject (a call id, a day, the archive), the numbers \
            behind it and what to do. Kinds: archive_stale, volume_drop, completion_drop, stuck_call, repeated_failure, \
            final_status_changed, impossible_data. The period narrows the days judged, the calls checked for impossible data, \
            the status changes and the failing ids; stuck calls and a stale archive are judged as they are now. \
            Rules and statistics: docs/reports.md, "Anomalies".

            For cron: --fail-on warning exits 1 when a finding of that severity or worse exists, so cron mails the report.
            """)
    @OptionGroup var options: ReportOptions
    @Option(
        help: ArgumentHelp(
            "The period judged starts here: today, yesterday, 2026-11-15, an ISO-8601 time, @unix, or a span back from now.", valueName: "when"))
    var since = "7d"
    @Option(help: ArgumentHelp("The period ends here (exclusive; default: now); the same forms as --since.", valueName: "when")) var until: String?
    @Option(
        name: .customLong("label"),
        help: ArgumentHelp("Only calls with this label (campaign=spring); repeat it and every one must match.", valueName: "name=value"))
    var labels: [String] = []
    @Option(help: ArgumentHelp("Exit 1 when a finding of this severity or worse exists: error, warning or info.", valueName: "severity"))
    var failOn: Anomaly.Severity?
    @Option(
        help: ArgumentHelp(
            "Write the number of findings by kind and severity here in Prometheus text format (its own file, not the archive run's).",
            valueName: "path"), completion: .file())
    var metricsFile: String?
    @Option(help: ArgumentHelp("stuck_call: an open call with nothing new for this long.", valueName: "duration"))
    var stuckAfter = DurationArgument(argument: "24h")!
    @Option(help: ArgumentHelp("archive_stale: no successful archive run for this long.", valueName: "duration"))
    var archiveMaxAge = DurationArgument(argument: "36h")!
    @Option(help: ArgumentHelp("impossible_data: duration and the events' duration may differ by this much.", valueName: "duration"))
    var durationTolerance = DurationArgument(argument: "5s")!
    @Flag(help: "In a table, list every finding: more than 5 of one kind are otherwise shown once, with the count, the oldest and examples.")
    var all = false
    @Option(help: ArgumentHelp("volume_drop and completion_drop: compare each day with this many days before it.", valueName: "days"))
    var baselineDays = 14
    @Option(help: ArgumentHelp("…of which at least this many must have calls.", valueName: "days")) var minBaselineDays = 7
    @Option(help: ArgumentHelp("volume_drop: …averaging at least this many calls a day.", valueName: "calls")) var minDailyCalls = 20.0
    @Option(help: ArgumentHelp("volume_drop: a day with fewer calls than this share of the median of the days before.", valueName: "share"))
    var volumeRatio = 0.5
    @Option(help: ArgumentHelp("completion_drop: a completion rate this many standard errors below the days before.", valueName: "sigmas"))
    var completionSigmas = 3.0
    @Option(help: ArgumentHelp("completion_drop: judge only days with at least this many final calls.", valueName: "calls")) var minFinalCalls = 30
    @Option(help: ArgumentHelp("repeated_failure: an id whose fetch failed in this many runs in a row.", valueName: "runs")) var failuresInARow = 3

    func validate() throws {
        _ = try TimeWindow(since: since, until: until, utc: false, what: "days")
        _ = try parsedLabels()
        // Every number from the command line is bounded before any arithmetic.
        let year: Int64 = 366 * 86_400
        guard (60...(10 * year)).contains(stuckAfter.seconds) else { throw ValidationError("--stuck-after must be between 1m and 3660d") }
        guard (60...(10 * year)).contains(archiveMaxAge.seconds) else { throw ValidationError("--archive-max-age must be between 1m and 3660d") }
        guard (0...86_400).contains(durationTolerance.seconds) else { throw ValidationError("--duration-tolerance must be between 0s and 1d") }
        guard (1...366).contains(baselineDays) else { throw ValidationError("--baseline-days must be between 1 and 366") }
        guard (1...baselineDays).contains(minBaselineDays) else {
            throw ValidationError("--min-baseline-days must be between 1 and --baseline-days (\(baselineDays))")
        }
        guard minDailyCalls >= 0, minDailyCalls <= 1e9 else { throw ValidationError("--min-daily-calls must be between 0 and 1000000000") }
        guard volumeRatio > 0, volumeRatio <= 1 else {
            throw ValidationError("--volume-ratio must be more than 0 and at most 1 (0.5: half the median)")
        }
        guard completionSigmas > 0, completionSigmas <= 100 else { throw ValidationError("--completion-sigmas must be more than 0 and at most 100") }
        guard (1...1_000_000_000).contains(minFinalCalls) else { throw ValidationError("--min-final-calls must be between 1 and 1000000000") }
        guard (1...1000).contains(failuresInARow) else { throw ValidationError("--failures-in-a-row must be between 1 and 1000") }
    }

    func parsedLabels() throws -> [Label] {
        try Label.arguments(labels)
    }

    var thresholds: AnomaliesReport.Thresholds {
        var t = AnomaliesReport.Thresholds()
        t.stuckAfter = stuckAfter.seconds
        t.archiveMaxAge = archiveMaxAge.seconds
        t.durationTolerance = durationTolerance.seconds
        t.baselineDays = baselineDays
        t.minBaselineDays = minBaselineDays
        t.minDailyCalls = minDailyCalls
        t.volumeRatio = volumeRatio
        t.completionSigmas = completionSigmas
        t.minFinalCalls = minFinalCalls
        t.failuresInARow = failuresInARow
        return t
    }

    func execute() throws {
        let now = Int64(Date().timeIntervalSince1970)
        let window = try TimeWindow(since: since, until: until, utc: options.utc, what: "days")
        let report = try options.open().anomalies(
            since: window.since ?? now, until: window.until ?? now, labels: try parsedLabels(), now: now,
            thresholds: thresholds, utc: options.utc)
        if let metricsFile { try MetricsFile.write(to: metricsFile, anomalies: report, checkedAt: now) }
        options.print(report.rendered(options.rendering, all: all))
        if let failOn, report.findings.contains(where: { $0.severity.isAtLeast(failOn) }) { throw ExitCode(1) }
    }
}

extension Anomaly.Severity: ExpressibleByArgument {}
