import ArgumentParser
import CallHistory
import Foundation

struct Archive: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch call statuses from Fuse and archive them.",
        discussion: """
            Ids come from the arguments, from --ids files (one a line; '-' is stdin; blank lines and \
            # comments skipped; a CSV with a call_id column works too), and from every archived call \
            that is not final (unless --no-refresh).

            Three forms: `callhist archive ID…` fetches exactly those ids, final or not (a person asked \
            to look); `callhist archive --ids FILE` and `callhist archive` alone also re-check the \
            archived calls that are due (--with-due adds them to typed ids, --no-refresh leaves them out).

            One schedule decides which are fetched: new ids always; ids typed as arguments now; every \
            other archived id (from a file or from the archive) only when due — changed at its last \
            check, or its backoff elapsed — and never when final or stale. --force fetches the given \
            ids whatever their state. --dry-run --list shows each id with its reason.

            Credentials: FUSE_EMAIL and FUSE_DEVELOPER_KEY, or --netrc-file.

            The first SIGINT or SIGTERM stops starting requests, lets those in flight finish (a few \
            seconds at most), records the run and exits 75; a second one ends the process at once.

            Exit codes: 0 every id got an answer, 65 a refused id (nothing fetched), 69 API unreachable, \
            73 the archive cannot be opened, 74 its disk is full or failing (the run row says so), \
            75 some calls failed after retries, the API looked down part-way and the run gave up \
            (--give-up-after), the API asked ids to wait longer than a run waits (Retry-After), the run \
            was interrupted, another run holds the archive, or a PostgreSQL server dropped the \
            connection, 77 credentials refused (401), 78 missing or bad configuration (including a \
            base URL that is not the API).
            """
    )

    /// `--format`: json or xml is what the API is asked for (and json is
    /// also the list's format); table, csv and markdown apply to --list only.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, xml, table, csv, markdown
    }

    @Argument(help: "Call ids to archive: fetched now, final or not. Alone (no --ids), only these are fetched.") var ids: [String] = []
    @Option(name: .customLong("ids"), help: ArgumentHelp("A file of call ids ('-' for stdin). Repeatable.", valueName: "file"), completion: .file())
    var idFiles: [String] = []
    @Option(
        name: .customLong("label"),
        help: ArgumentHelp(
            "Label every id of the run (campaign=spring); repeatable. An ids CSV's other columns label their ids too.", valueName: "name=value"))
    var labels: [String] = []
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var fuse: FuseOptions
    @Option(help: "Requests in flight at most.") var concurrency = 8
    @Option(help: ArgumentHelp("At most this many requests in any one-second window.", valueName: "per-second")) var rate: Double?
    @Option(help: ArgumentHelp("Give up on one request after this long (e.g. 30s).", valueName: "duration")) var timeout = DurationArgument(
        argument: "30s")!
    @Option(help: "Retries of one id after 5xx, 429, timeouts and malformed bodies.") var retries = 4
    @Flag(help: "Consider only the ids given, not the archived calls that are due (the default when ids are typed and no --ids file is given).")
    var noRefresh = false
    @Flag(help: "With ids typed as arguments: also fetch the archived calls that are due, as a run with --ids or without ids does.")
    var withDue = false
    @Flag(help: "Re-check every non-final call now, stale ones included.") var refreshAll = false
    @Flag(help: "Fetch the given ids now, even when final or not due.") var force = false
    @Option(help: ArgumentHelp("Calls queued longer ago than this are stale: no longer re-checked.", valueName: "duration")) var staleAfter =
        DurationArgument(argument: "30d")!
    @Option(help: "Ask the API for json (the default) or xml; with --list, print a table (the default), json, csv or markdown.") var format: Format?
    @Option(help: ArgumentHelp("Stop starting requests after this many; the rest waits for the next run.", valueName: "n")) var maxRequests: Int?
    @Option(help: ArgumentHelp("Stop starting requests after this long (e.g. 20m); the rest waits for the next run.", valueName: "duration"))
    var maxRuntime: DurationArgument?
    @Option(
        help: ArgumentHelp(
            "When the API looks down (connection failures, timeouts, 5xx across different ids in a row), probe it this long, then stop and leave the rest for the next run; 0 never gives up.",
            valueName: "duration"))
    var giveUpAfter = DurationArgument(argument: "30s")!
    @Flag(help: "Show what would be fetched, without fetching or writing anything.") var dryRun = false
    @Flag(help: "With --dry-run: list every id with the reason it is, or is not, fetched.") var list = false
    @Flag(help: "With --list: times in UTC instead of the local time zone.") var utc = false
    @Flag(help: "Wait for another run on the same archive to finish instead of exiting 75.") var wait = false
    @Option(
        help: ArgumentHelp("Write the run's figures here in Prometheus text format (for node_exporter's textfile collector).", valueName: "path"),
        completion: .file())
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
        guard (0...86_400).contains(giveUpAfter.seconds) else { throw ValidationError("--give-up-after must be between 0 (never) and 1d") }
        guard staleAfter.seconds >= 1 else { throw ValidationError("--stale-after must be at least 1s") }
        if noRefresh && refreshAll { throw ValidationError("--no-refresh and --refresh-all contradict each other") }
        if noRefresh && withDue { throw ValidationError("--no-refresh and --with-due contradict each other") }
        _ = try Label.arguments(labels)
        if !labels.isEmpty && ids.isEmpty && idFiles.isEmpty {
            throw ValidationError("--label applies to the ids given: name some, or pass --ids FILE")
        }
        if force && ids.isEmpty && idFiles.isEmpty { throw ValidationError("--force applies to the ids given: name some, or pass --ids FILE") }
        if list && !dryRun { throw ValidationError("--list goes with --dry-run: callhist archive --dry-run --list") }
        if !list, let format, [.table, .csv, .markdown].contains(format) {
            throw ValidationError("--format \(format.rawValue) applies to --dry-run --list; the API is asked for json or xml")
        }
    }

    var archiverOptions: Archiver.Options {
        var options = Archiver.Options()
        options.ids = ids
        options.idFiles = idFiles
        options.labels = (try? Label.arguments(labels)) ?? []
        // Ids typed alone mean those ids (a person asked to look at them);
        // an ids file, no ids at all, or --with-due run the schedule.
        options.refresh = !noRefresh && (ids.isEmpty || !idFiles.isEmpty || withDue || refreshAll)
        options.refreshAll = refreshAll
        options.force = force
        options.staleAfter = staleAfter.seconds
        return options
    }

    func run() throws {
        let started = ContinuousClock.now
        var opened: CallArchive?
        var metricsWritten = false
        // The metrics file is written on every exit path, so a collector
        // sees a failed night too (its exit code, when it ended).
        func writeMetrics(_ counts: RunCounts, exitCode: Int32, report: Archiver.Report? = nil) throws {
            guard let metricsFile, !dryRun, !metricsWritten else { return }
            metricsWritten = true
            let lastSuccess = try? opened?.lastSuccessfulArchive()
            try MetricsFile.write(
                to: metricsFile, counts: counts, exitCode: exitCode, seconds: (ContinuousClock.now - started).seconds,
                finishedAt: Int64(Date().timeIntervalSince1970), lastSuccessAt: lastSuccess ?? nil, outage: report?.outage)
        }
        do {
            let options = archiverOptions
            if dryRun { return try showPlan(options) }

            var settings = try fuse.settings()
            settings.concurrency = concurrency
            settings.rate = rate
            settings.timeout = timeout.duration
            settings.format = format == .xml ? .xml : .json
            settings.retries = retries
            settings.maxRequests = maxRequests
            settings.maxRuntime = maxRuntime?.duration
            settings.giveUpAfter = giveUpAfter.seconds > 0 ? giveUpAfter.duration : nil

            let opening = Int64(Date().timeIntervalSince1970)
            let archive = try CallArchive.openForWriting(database.path, wait: wait) { holder in
                output.say("waiting for \(holder) to finish with \(database.name)")
            }
            opened = archive
            if let note = try archive.labelMergeNote(since: opening) { output.say("note: " + note) }
            // From here a first SIGINT/SIGTERM ends the run cleanly (recorded,
            // metrics, summary); before, there is nothing to clean up.
            TerminationSignals.catchStop()
            var line = ProgressLine(enabled: output.showsProgress)
            let report = try archive.archive(
                options, fetch: settings, exitCode: ExitPolicy.code(for:), errorCode: { ExitPolicy.status(for: $0).rawValue },
                interruption: TerminationSignals.stopRequested,
                progress: { p in
                    line.update(
                        verb: "archiving", done: p.done, total: p.total, reachable: p.reachable, failed: p.failed,
                        elapsed: p.elapsed, timeLeft: p.runtimeLeft)
                })
            line.finish()
            let exitCode = ExitPolicy.code(for: report.outcome)
            try writeMetrics(report.counts, exitCode: exitCode, report: report)
            opened = nil
            try archive.close()
            output.say(Self.summary(report, elapsed: ContinuousClock.now - started))
            if let note = Self.unknownNote(report) { output.say(note) }
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

    /// One line that accounts for every id the run considered: fetched,
    /// not found, forbidden, failed, left for the next run and not fetched
    /// (by reason) add up to the number it starts with.
    static func summary(_ report: Archiver.Report, elapsed: Duration) -> String {
        let c = report.counts
        var text = "\(c.considered) ids considered in \(String(format: "%.1f", elapsed.seconds))s"
        if c.considered == 0 {
            let why =
                report.stopCause == .interrupted ? "stopped while reading the ids" : "nothing to fetch (no ids given, and no archived call is due)"
            return text + ": \(why) [run \(report.runID), 0 requests]"
        }
        var parts: [String] = []
        if c.requested > 0 {
            parts.append("\(c.fetched) fetched (\(c.new) new, \(c.changed - c.new) changed, \(c.unchanged) unchanged)")
            parts += ["\(c.notFound) not found", "\(c.forbidden) forbidden", "\(c.failed) failed"]
        }
        if c.leftOver > 0 {
            let why =
                switch report.stopCause {
                case .budget?: "budget reached"
                case .unauthorized?: "stopped by the 401"
                case .misconfigured?: "stopped: the server is not the API"
                case .interrupted?: "interrupted"
                case .outage?: "the API looked down"
                case .throttled?: "the API asked them to wait"
                case nil: "not reached"
                }
            parts.append("\(c.leftOver) left for the next run (\(why))")
        }
        let skipped = [
            (c.skippedFinal, "final"), (c.skippedWaiting, "waiting (not due yet)"), (c.skippedStale, "stale (--refresh-all fetches them)"),
        ]
        .compactMap { n, words in n > 0 ? "\(n) \(words)" : nil }
        if !skipped.isEmpty { parts.append("not fetched: " + skipped.joined(separator: ", ")) }
        text += ": " + parts.joined(separator: ", ")
        if report.labelsAdded > 0 { text += "; \(report.labelsAdded) labels set" }
        return text + " [run \(report.runID), \(c.httpRequests) requests]"
    }

    /// Names the ids the API did not know, with what to do about junk.
    static func unknownNote(_ report: Archiver.Report) -> String? {
        let n = report.counts.notFound
        guard n > 0 else { return nil }
        let shown = report.unknownIDs.joined(separator: ", ") + (n > report.unknownIDs.count ? ", …" : "")
        let forget = n <= report.unknownIDs.count ? "callhist forget \(report.unknownIDs.joined(separator: " "))" : "callhist forget --ids FILE"
        return "\(n) \(n == 1 ? "id" : "ids") unknown to the API (404): \(shown). They are asked again on the usual backoff until stale "
            + "(report pending lists them); if they are junk, `\(forget)` removes them."
    }

    private func showPlan(_ options: Archiver.Options) throws {
        let archive = try CallArchive.openForPlanning(database.path)
        var lister: PlanList?
        if list {
            let listFormat: ReportFormat =
                switch format {
                case .json: .json
                case .csv: .csv
                case .markdown: .markdown
                case .table, .xml, nil: .table
                }
            lister = PlanList(format: listFormat, utc: utc, sink: .standardOutput())
        }
        let p = try archive.plan(options, list: lister.map { l in { try l.add($0) } })
        try lister?.finish()
        // With --list the list is the answer on stdout; the counts go to stderr.
        var lines = ["dry run: would fetch \(p.toFetch) ids"]
        let labels = Schedule.Reason.allCases.map { (reason: $0, label: ($0.fetches ? "fetch: " : "skip:  ") + $0.phrase) }
        // As wide as the longest reason: a reason is never cut.
        let width = max(40, labels.map(\.label.count).max() ?? 0) + 2
        func row(_ label: String, given: Int, archived: Int) -> String {
            "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + String(given).leftPadded(8) + String(archived).leftPadded(14)
        }
        lines.append("  " + "".padding(toLength: width, withPad: " ", startingAt: 0) + "given".leftPadded(8) + "from archive".leftPadded(14))
        for (reason, label) in labels {
            let given = p.given[reason] ?? 0
            let archived = p.archived[reason] ?? 0
            if given + archived > 0 { lines.append(row(label, given: given, archived: archived)) }
        }
        lines.append(row("total", given: p.requested, archived: p.archived.values.reduce(0, +)))
        let text = lines.joined(separator: "\n")
        if list { output.say(text) } else { print(text) }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

extension ResponseFormat: ExpressibleByArgument {}

extension Duration {
    var seconds: Double { self / .seconds(1) }
}
