import ArgumentParser
import CallHistory
import Foundation

struct Archive: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch call statuses from Fuse and archive them.",
        discussion: """
            Ids come from the arguments, from --ids files (one a line; '-' is stdin; blank lines and
            # comments skipped; a CSV with a call_id column works too), and from every archived call
            that is not final and is due for a re-check (unless --no-refresh).
            Credentials: FUSE_EMAIL and FUSE_DEVELOPER_KEY, or --netrc-file.
            Exit codes: 0 every id got an answer, 65 a refused id (nothing fetched), 69 API unreachable,
            75 some calls failed after retries or another run holds the archive, 77 credentials
            refused (401), 78 missing or bad configuration.
            """
    )

    @Argument(help: "Call ids to archive.") var ids: [String] = []
    @Option(name: .customLong("ids"), help: ArgumentHelp("A file of call ids ('-' for stdin). Repeatable.", valueName: "file"))
    var idFiles: [String] = []
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var fuse: FuseOptions
    @Option(help: "Requests in flight at most.") var concurrency = 8
    @Option(help: ArgumentHelp("At most this many requests in any one-second window.", valueName: "per-second")) var rate: Double?
    @Option(help: ArgumentHelp("Give up on one request after this long (e.g. 30s).", valueName: "duration")) var timeout = DurationArgument(argument: "30s")!
    @Option(help: "Retries of one id after 5xx, 429, timeouts and malformed bodies.") var retries = 4
    @Flag(help: "Do not re-check archived calls; fetch only the ids given.") var noRefresh = false
    @Flag(help: "Re-check every non-final call now, stale ones included.") var refreshAll = false
    @Option(help: ArgumentHelp("Calls queued longer ago than this are stale: no longer re-checked.", valueName: "duration")) var staleAfter = DurationArgument(argument: "30d")!
    @Option(help: "Ask the API for json or xml.") var format: ResponseFormat = .json
    @Option(help: ArgumentHelp("Stop starting requests after this many; the rest waits for the next run.", valueName: "n")) var maxRequests: Int?
    @Option(help: ArgumentHelp("Stop starting requests after this long (e.g. 20m); the rest waits for the next run.", valueName: "duration")) var maxRuntime: DurationArgument?
    @Flag(help: "Show what would be fetched, without fetching or writing anything.") var dryRun = false
    @Flag(help: "Wait for another run on the same archive to finish instead of exiting 75.") var wait = false
    @Option(help: ArgumentHelp("Write the run's figures here in Prometheus text format (for node_exporter's textfile collector).", valueName: "path"))
    var metricsFile: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        // Every number from the command line is bounded here (exit 64), before
        // any arithmetic or allocation depends on it.
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 1024") }
        if let rate, !(rate >= 0.001 && rate <= 1e9) {
            throw ValidationError("--rate must be between 0.001 and 1000000000 requests per second")
        }
        guard (1...86_400).contains(timeout.seconds) else { throw ValidationError("--timeout must be between 1s and 1d") }
        guard (0...20).contains(retries) else { throw ValidationError("--retries must be between 0 and 20") }
        if let maxRequests, !(1...1_000_000_000).contains(maxRequests) {
            throw ValidationError("--max-requests must be between 1 and 1000000000")
        }
        if let maxRuntime, !(1...(366 * 86_400)).contains(maxRuntime.seconds) {
            throw ValidationError("--max-runtime must be between 1s and 366d")
        }
        guard staleAfter.seconds >= 1 else { throw ValidationError("--stale-after must be at least 1s") }
        if noRefresh && refreshAll { throw ValidationError("--no-refresh and --refresh-all contradict each other") }
    }

    func run() throws {
        let started = ContinuousClock.now
        var opened: CallArchive?
        var metricsWritten = false
        // The metrics file is written on every exit path, so a collector
        // sees a failed night too (its exit code, when it ended).
        func writeMetrics(_ counts: RunCounts, exitCode: Int32) throws {
            guard let metricsFile, !dryRun, !metricsWritten else { return }
            metricsWritten = true
            let lastSuccess = try? opened?.lastSuccessfulArchive()
            try MetricsFile.write(to: metricsFile, counts: counts, exitCode: exitCode, seconds: (ContinuousClock.now - started).seconds,
                                  finishedAt: Int64(Date().timeIntervalSince1970), lastSuccessAt: lastSuccess ?? nil)
        }
        do {
            var options = Archiver.Options()
            options.ids = ids
            options.idFiles = idFiles
            options.refresh = !noRefresh
            options.refreshAll = refreshAll
            options.staleAfter = staleAfter.seconds
            if dryRun { return try showPlan(options) }

            var settings = try fuse.settings()
            settings.concurrency = concurrency
            settings.rate = rate
            settings.timeout = timeout.duration
            settings.format = format
            settings.retries = retries
            settings.maxRequests = maxRequests
            settings.maxRuntime = maxRuntime?.duration

            let archive = try CallArchive.openForWriting(database.path, wait: wait)
            opened = archive
            var line = ProgressLine(enabled: output.showsProgress)
            let report = try archive.archive(options, fetch: settings, exitCode: ExitPolicy.code(for:)) { p in
                line.update(verb: "archiving", done: p.done, total: p.total, failed: p.failed, elapsed: p.elapsed)
            }
            line.finish()
            let elapsed = ContinuousClock.now - started
            let exitCode = ExitPolicy.code(for: report.outcome)
            try writeMetrics(report.counts, exitCode: exitCode)
            opened = nil
            try archive.close()
            let c = report.counts
            var summary = "archived \(c.done) of \(c.requested) ids in \(String(format: "%.1f", elapsed.seconds))s: "
            summary += "\(c.fetched) fetched (\(c.new) new, \(c.changed - c.new) changed, \(c.unchanged) unchanged), "
            summary += "\(c.notFound) not found, \(c.forbidden) forbidden, \(c.failed) failed"
            if c.leftOver > 0 { summary += "; \(c.leftOver) left for the next run (budget reached)" }
            summary += " [run \(report.runID), \(c.httpRequests) requests]"
            output.say(summary)
            for warning in report.warnings { ExitPolicy.printError("warning: " + warning) }
            if let message = report.message { ExitPolicy.printError(message) }
            if exitCode != 0 { throw ExitCode(exitCode) }
        } catch let error as ValidationError {
            throw error
        } catch {
            let code = ExitPolicy.exit(error)
            do {
                try writeMetrics(RunCounts(), exitCode: code.rawValue)
            } catch {
                ExitPolicy.printError("the metrics file could not be written either: \(error)")
            }
            throw code
        }
    }

    private func showPlan(_ options: Archiver.Options) throws {
        let p = try CallArchive.openForPlanning(database.path).plan(options)
        print("dry run: would fetch \(p.toFetch) ids")
        print("  requested:        \(p.requested) (\(p.new) new, \(p.alreadyFinal) already final and skipped)")
        if options.refresh {
            print("  due for re-check: \(p.due)")
            print("  waiting:          \(p.waiting) (not due yet)")
        }
        print("  stale:            \(p.stale) (\(options.refreshAll ? "fetched with --refresh-all" : "not fetched; --refresh-all fetches them"))")
    }
}

extension ResponseFormat: ExpressibleByArgument {}

extension Duration {
    var seconds: Double { self / .seconds(1) }
}
