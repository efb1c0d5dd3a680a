import ArgumentParser
import CallHistory
import Foundation

/// `callhist schedule`: installs, shows or removes the nightly archive, from
/// cron or a systemd timer, with nothing but the installed binary
/// (docs/cron.md).
struct ScheduleCommand: CallhistCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Schedule the nightly archive with cron or a systemd timer (or show it, or remove it).",
        discussion: """
            Writes, for the current user, an env file (mode 600) holding FUSE_EMAIL and \
            FUSE_DEVELOPER_KEY as they are set now (placeholders otherwise; an existing env file \
            is kept), a wrapper script that runs `callhist archive` under flock and umask 077 and \
            appends timestamped output to a log, and then either a crontab line (through `crontab`) \
            or callhist-archive.service and callhist-archive.timer (enabled through `systemctl`). \
            The key is never in the crontab, the unit or a command line. Every path written is absolute.

            Running it again replaces the installation of the same --config-dir; --remove undoes it \
            and keeps the env file, the log and the archive. --dry-run prints what would be written \
            and run, the key not shown, and changes nothing.

            Options after `--` are handed to `callhist archive` (checked now): \
            `callhist schedule --cron --ids new.txt -- --rate 5 --max-runtime 45m`.

            Exit codes: 0 scheduled (or removed), 64 usage, 71 crontab or systemctl is missing or \
            failed (its message is printed), 73 a file of the job could not be written.
            """
    )

    enum Scheduler: String, EnumerableFlag {
        case cron, systemd

        static func help(for value: Scheduler) -> ArgumentHelp? {
            switch value {
            case .cron: "A line in your crontab (through `crontab`)."
            case .systemd: "A systemd timer and service (through `systemctl`)."
            }
        }
    }

    @Flag var scheduler: Scheduler
    @Option(
        name: .customLong("ids"), help: ArgumentHelp("A file your campaign tooling adds new call ids to. Repeatable.", valueName: "file"),
        completion: .file())
    var idFiles: [String] = []
    @Option(
        help: ArgumentHelp(
            "The archive: a SQLite file, or postgresql://… (default: $XDG_DATA_HOME/callhist/callhist.sqlite, i.e. ~/.local/share/callhist).",
            valueName: "path|url"),
        completion: .file())
    var db: String?
    @Option(help: ArgumentHelp("The time of day to run, HH:MM in the local time zone.", valueName: "HH:MM")) var at = "02:30"
    @Option(help: ArgumentHelp("The run's figures for node_exporter's textfile collector.", valueName: "path"), completion: .file())
    var metricsFile: String?
    @Option(help: ArgumentHelp("Where the job's output goes (default: callhist.log beside the archive).", valueName: "path"), completion: .file())
    var log: String?
    @Option(
        help: ArgumentHelp(
            "This installation's folder: env file and wrapper (default: $XDG_CONFIG_HOME/callhist, i.e. ~/.config/callhist).",
            valueName: "dir"),
        completion: .directory)
    var configDir: String?
    @Flag(help: "With --systemd: a system unit in /etc/systemd/system (as root) instead of a user unit.") var system = false
    @Option(help: ArgumentHelp("With --systemd: write the units here instead.", valueName: "dir"), completion: .directory)
    var unitDir: String?
    @Flag(help: "Print what would be written and run; change nothing.") var dryRun = false
    @Flag(help: "Remove the scheduled job (keeps the env file, the log and the archive).") var remove = false
    @Argument(parsing: .postTerminator, help: ArgumentHelp("Options for `callhist archive`, after --.", valueName: "archive-option"))
    var archiveOptions: [String] = []

    /// `--at` as hour and minute.
    var time: (hour: Int, minute: Int)? {
        let parts = at.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        return (hour, minute)
    }

    func validate() throws {
        guard time != nil else { throw ValidationError("--at wants HH:MM (00:00 to 23:59), got \(at)") }
        if idFiles.contains("-") { throw ValidationError("--ids -: a scheduled job has no standard input; give the file's path") }
        if system && scheduler == .cron { throw ValidationError("--system goes with --systemd") }
        if unitDir != nil && scheduler == .cron { throw ValidationError("--unit-dir goes with --systemd") }
        if remove && (!idFiles.isEmpty || db != nil || metricsFile != nil || log != nil || !archiveOptions.isEmpty) {
            throw ValidationError("--remove takes only the scheduler, --config-dir (and --system, --unit-dir)")
        }
        for option in ["--db", "--progress"] where archiveOptions.contains(option) || archiveOptions.contains(where: { $0.hasPrefix(option + "=") }) {
            throw ValidationError("\(option) after --: give schedule's own \(option == "--db" ? "--db" : "option"), not archive's")
        }
        do {
            _ = try Archive.parse(jobArguments(database: "callhist.sqlite"))
        } catch {
            throw ValidationError("the options for callhist archive are not valid: \(Archive.message(for: error))")
        }
    }

    func execute() throws {
        let environment = ProcessInfo.processInfo.environment
        let job = nightlyJob(environment)
        let (hour, minute) = time!
        switch scheduler {
        case .cron: try scheduleCron(job, hour: hour, minute: minute, environment)
        case .systemd: try scheduleSystemd(job, hour: hour, minute: minute, environment)
        }
    }

    func scheduleCron(_ job: NightlyJob, hour: Int, minute: Int, _ environment: [String: String]) throws {
        let table = CronTable(tool: SystemTool("crontab", environment: environment))
        let line = CronTable.line(hour: hour, minute: minute, job: job)
        let marker = CronTable.marker(job.configDirectory)
        if dryRun {
            if remove { return print("would run: crontab - (your crontab without lines ending \(marker))") }
            show(job, environment)
            return print("would run: crontab - (your crontab, any line ending \(marker) replaced by:)\n\(line)")
        }
        let current = try table.current()
        let others = CronTable.without(job.configDirectory, in: current)
        if remove {
            let installed = others.count != current.count
            if installed { try table.replace(with: others, then: "The crontab was not changed.") }
            job.remove()
            return print(
                installed
                    ? "removed the nightly archive from your crontab and \(job.wrapper) (kept \(job.envFile), the log and the archive)"
                    : "no nightly archive of \(job.configDirectory) was in your crontab; removed \(job.wrapper) if it was there")
        }
        for done in try job.write(environment) { print(done) }
        try table.replace(
            with: others + [line], then: "The crontab was not changed; the files above are written: run this again once fixed, or --remove.")
        print("installed in your crontab: \(line)")
        printWhatRuns(job, hour: hour, minute: minute)
    }

    func scheduleSystemd(_ job: NightlyJob, hour: Int, minute: Int, _ environment: [String: String]) throws {
        let scope = system ? "--system" : "--user"
        let units = SystemdTimer(
            tool: SystemTool("systemctl", environment: environment), scope: scope,
            unitDirectory: unitDir.map(Self.absolute)
                ?? (system ? "/etc/systemd/system" : Self.xdgFolder("XDG_CONFIG_HOME", else: ".config", environment) + "/systemd/user"))
        if dryRun {
            if remove {
                print("would run: systemctl \(scope) disable --now \(SystemdTimer.timer)")
                print("would remove: \(units.servicePath), \(units.timerPath), \(job.wrapper)")
                return print("would run: systemctl \(scope) daemon-reload")
            }
            show(job, environment)
            print("would write \(units.servicePath):\n\(SystemdTimer.serviceText(job))")
            print("would write \(units.timerPath):\n\(SystemdTimer.timerText(hour: hour, minute: minute))")
            print("would run: systemctl \(scope) daemon-reload")
            return print("would run: systemctl \(scope) enable --now \(SystemdTimer.timer)")
        }
        if remove {
            let installed = FileManager.default.fileExists(atPath: units.timerPath)
            if installed { try units.systemctl(["disable", "--now", SystemdTimer.timer], then: "Nothing was removed.") }
            try? FileManager.default.removeItem(atPath: units.servicePath)
            try? FileManager.default.removeItem(atPath: units.timerPath)
            job.remove()
            if installed { try units.systemctl(["daemon-reload"], then: "The unit files are removed already.") }
            return print(
                installed
                    ? "removed \(SystemdTimer.timer) and \(SystemdTimer.service) from \(units.unitDirectory) and \(job.wrapper) (kept \(job.envFile), the log and the archive)"
                    : "no \(SystemdTimer.timer) was in \(units.unitDirectory); removed \(job.wrapper) if it was there")
        }
        // A missing systemctl is said before anything is written.
        _ = try units.tool.require(hint: units.hint)
        for done in try job.write(environment) { print(done) }
        do {
            try FileManager.default.createDirectory(atPath: units.unitDirectory, withIntermediateDirectories: true)
        } catch {
            throw SchedulerError("cannot create \(units.unitDirectory): \(error.localizedDescription)", cannotWrite: true)
        }
        try NightlyJob.writeFile(units.servicePath, SystemdTimer.serviceText(job), mode: 0o644)
        try NightlyJob.writeFile(units.timerPath, SystemdTimer.timerText(hour: hour, minute: minute), mode: 0o644)
        print("wrote \(units.servicePath)")
        print("wrote \(units.timerPath)")
        let then = "The files above are written but the timer is not enabled: run this again once fixed, or --remove."
        try units.systemctl(["daemon-reload"], then: then)
        try units.systemctl(["enable", "--now", SystemdTimer.timer], then: then)
        print("enabled \(SystemdTimer.timer) (a missed night runs at the next boot)")
        printWhatRuns(job, hour: hour, minute: minute)
        if !system { print("a user timer runs while you are logged out only with: loginctl enable-linger \(NSUserName())") }
    }

    func printWhatRuns(_ job: NightlyJob, hour: Int, minute: Int) {
        print("runs at \(String(format: "%02d:%02d", hour, minute)) daily: \(job.command.map(ShellWord.quote).joined(separator: " "))")
        print("log: \(job.log)")
    }

    /// The env file (key hidden) and the wrapper, as --dry-run shows them.
    func show(_ job: NightlyJob, _ environment: [String: String]) {
        if FileManager.default.fileExists(atPath: job.envFile) {
            print("would keep \(job.envFile) (it exists: credentials are not rewritten)")
        } else {
            print("would write \(job.envFile) (mode 600):\n\(job.envFileText(environment, reveal: false))")
        }
        print("would write \(job.wrapper) (mode 700):\n\(job.wrapperText)")
    }

    /// An XDG base folder: the variable when set, else `fallback` under $HOME.
    static func xdgFolder(_ variable: String, else fallback: String, _ environment: [String: String]) -> String {
        if let value = environment[variable], !value.isEmpty { return value }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/" + fallback
    }

    /// A path as the scheduler will read it: cron runs jobs from $HOME, so a
    /// relative path given here means what it meant here.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// `callhist archive`'s arguments for the job: paths among the options
    /// after `--` made absolute too.
    func jobArguments(database: String) -> [String] {
        var arguments = ["--db", database, "--progress", "never"]
        for file in idFiles { arguments += ["--ids", Self.absolute(file)] }
        if let metricsFile { arguments += ["--metrics-file", Self.absolute(metricsFile)] }
        var makeAbsolute = false
        for option in archiveOptions {
            if makeAbsolute && option != "-" && !option.contains("://") {
                arguments.append(Self.absolute(option))
            } else if let equals = option.firstIndex(of: "="), Self.pathOptions.contains(String(option[..<equals])) {
                let value = String(option[option.index(after: equals)...])
                arguments.append(String(option[..<equals]) + "=" + (value == "-" ? value : Self.absolute(value)))
            } else {
                arguments.append(option)
            }
            makeAbsolute = Self.pathOptions.contains(option)
        }
        return arguments
    }

    static let pathOptions: Set<String> = ["--ids", "--netrc-file", "--metrics-file", "--cacert"]

    func nightlyJob(_ environment: [String: String]) -> NightlyJob {
        let configHome = Self.xdgFolder("XDG_CONFIG_HOME", else: ".config", environment)
        let dataHome = Self.xdgFolder("XDG_DATA_HOME", else: ".local/share", environment)
        let configDirectory = Self.absolute(configDir ?? configHome + "/callhist")
        let database = db.map { $0.contains("://") ? $0 : Self.absolute($0) } ?? dataHome + "/callhist/callhist.sqlite"
        let logPath =
            log.map(Self.absolute)
            ?? (database.hasPrefix("/") ? (database as NSString).deletingLastPathComponent + "/callhist.log" : dataHome + "/callhist/callhist.log")
        return NightlyJob(
            configDirectory: configDirectory, callhist: Self.executablePath(environment), archiveArguments: jobArguments(database: database),
            database: database, log: logPath)
    }

    /// This binary's absolute path as it was called (a symbolic link such as
    /// /usr/local/bin/callhist stays one, so an upgrade behind it is followed).
    static func executablePath(_ environment: [String: String]) -> String {
        let called = CommandLine.arguments.first ?? "callhist"
        if called.contains("/") { return absolute(called) }
        if let found = SystemTool(called, environment: environment).path { return absolute(found) }
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? called
    }
}
