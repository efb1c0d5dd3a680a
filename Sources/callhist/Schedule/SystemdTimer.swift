/// `callhist-archive.service` (a oneshot running the wrapper) and
/// `callhist-archive.timer`, in the user's or the system's unit folder, and
/// `systemctl` to load and enable them (docs/cron.md).
struct SystemdTimer {
    static let service = "callhist-archive.service"
    static let timer = "callhist-archive.timer"

    let tool: SystemTool
    /// `--user` or `--system`.
    let scope: String
    let unitDirectory: String
    let hint = "systemd is not installed here: use --cron"

    var servicePath: String { unitDirectory + "/" + Self.service }
    var timerPath: String { unitDirectory + "/" + Self.timer }

    /// systemd splits `ExecStart=` at spaces and expands `%` specifiers and
    /// `$VARS`: the path goes in double quotes, `\` and `"` escaped, `%` and `$` doubled.
    static func execPath(_ path: String) -> String {
        "\""
            + path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "%", with: "%%").replacingOccurrences(of: "$", with: "$$") + "\""
    }

    static func serviceText(_ job: NightlyJob) -> String {
        """
        # Written by `callhist schedule --systemd`: the nightly callhist archive.
        [Unit]
        Description=Archive Plum Fuse call statuses (callhist)
        Documentation=man:callhist-schedule(1)
        Wants=network-online.target
        After=network-online.target

        [Service]
        Type=oneshot
        ExecStart=/bin/bash \(execPath(job.wrapper))
        # 75 (temporary: retried the next night) is not a failure of the unit.
        SuccessExitStatus=75
        UMask=0077

        """
    }

    static func timerText(hour: Int, minute: Int) -> String {
        let at = String(format: "%02d:%02d", hour, minute)
        return """
            # Written by `callhist schedule --systemd`.
            [Unit]
            Description=Nightly callhist archive
            Documentation=man:callhist-schedule(1)

            [Timer]
            OnCalendar=*-*-* \(at):00
            Persistent=true
            RandomizedDelaySec=5m

            [Install]
            WantedBy=timers.target

            """
    }

    /// Runs `systemctl SCOPE arguments…`; a failure is thrown in systemctl's words.
    func systemctl(_ arguments: [String], then: String) throws(SchedulerError) {
        let full = [scope] + arguments
        let result = try tool.run(full, hint: hint)
        if result.status != 0 { throw tool.failure(full, result, then: then) }
    }
}
