/// The user's crontab, changed only through `crontab` itself: one line per
/// installation, marked `# callhist-nightly CONFIG_DIR` at its end so that
/// installing again replaces it and `--remove` finds it (docs/cron.md).
struct CronTable {
    let tool: SystemTool
    let hint = "Debian: apt-get install cron"

    /// Cron turns an unescaped `%` into a newline: every `%` of the line is
    /// written `\%`, the marker included, and matched so.
    static func escaped(_ text: String) -> String { text.replacingOccurrences(of: "%", with: "\\%") }

    static func marker(_ configDirectory: String) -> String { escaped("# callhist-nightly \(configDirectory)") }

    static func line(hour: Int, minute: Int, job: NightlyJob) -> String {
        "\(minute) \(hour) * * * " + escaped("/bin/bash " + ShellWord.quote(job.wrapper)) + " " + marker(job.configDirectory)
    }

    /// The table as it is now; empty when the user has none yet.
    func current() throws(SchedulerError) -> [String] {
        let result = try tool.run(["-l"], hint: hint)
        if result.status == 0 { return result.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        // "no crontab for USER" (exit 1) is an empty table, not a failure.
        if result.status == 1 && (result.errors.isEmpty || result.errors.contains("no crontab")) { return [] }
        throw tool.failure(["-l"], result, then: "Nothing was changed.")
    }

    /// Lines of `table` other than this installation's.
    static func without(_ configDirectory: String, in table: [String]) -> [String] {
        let marker = marker(configDirectory)
        return table.filter { !$0.hasSuffix(marker) }
    }

    /// Replaces the table with `lines` (`crontab -r` when none are left).
    func replace(with lines: [String], then: String) throws(SchedulerError) {
        var lines = lines
        while lines.last?.isEmpty == true { lines.removeLast() }
        if lines.isEmpty {
            let result = try tool.run(["-r"], hint: hint)
            // "no crontab for USER": already empty.
            if result.status != 0 && !result.errors.contains("no crontab") { throw tool.failure(["-r"], result, then: then) }
            return
        }
        let result = try tool.run(["-"], input: lines.joined(separator: "\n") + "\n", hint: hint)
        if result.status != 0 { throw tool.failure(["-"], result, then: then) }
    }
}
