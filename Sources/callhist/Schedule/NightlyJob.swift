import CallHistory
import Foundation

/// What `callhist schedule` installs whichever scheduler runs it
/// (docs/cron.md): a wrapper script that runs `callhist archive` under
/// flock and umask 077 with the credentials from a mode-600 env file, and
/// appends timestamped output to a log. Every path in it is absolute.
struct NightlyJob {
    /// The folder of this installation: the env file and the wrapper.
    let configDirectory: String
    /// The `callhist` binary the job runs.
    let callhist: String
    /// `callhist archive`'s arguments, without the command name.
    let archiveArguments: [String]
    /// The archive: a file's absolute path, or a postgresql:// URL.
    let database: String
    let log: String

    var envFile: String { configDirectory + "/env" }
    var wrapper: String { configDirectory + "/nightly.sh" }
    /// flock's file: beside a file archive, else in the config folder.
    var lockFile: String { database.hasPrefix("/") ? database + ".cron.lock" : configDirectory + "/nightly.lock" }

    /// The env file for credentials found in `environment` (placeholders
    /// when absent). `reveal: false` shows the key as where it came from.
    func envFileText(_ environment: [String: String], reveal: Bool) -> String {
        var lines = ["# Credentials for the nightly callhist archive. Keep this file mode 600."]
        lines.append("FUSE_EMAIL=" + ShellWord.quote(environment["FUSE_EMAIL"] ?? "you@example.com"))
        if let key = environment["FUSE_DEVELOPER_KEY"] {
            lines.append("FUSE_DEVELOPER_KEY=" + (reveal ? ShellWord.quote(key) : "(the value of FUSE_DEVELOPER_KEY, not shown)"))
        } else {
            lines.append("FUSE_DEVELOPER_KEY=put-your-developer-key-here")
        }
        for name in ["FUSE_BASE_URL", "CALLHIST_CA_BUNDLE", "https_proxy", "no_proxy"] {
            if let value = environment[name], !value.isEmpty { lines.append(name + "=" + ShellWord.quote(value)) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The command line the wrapper runs.
    var command: [String] { [callhist, "archive"] + archiveArguments }

    var wrapperText: String {
        """
        #!/usr/bin/env bash
        # Written by `callhist schedule`: the nightly callhist archive (docs/cron.md).
        set -uo pipefail
        # The archive, its -wal/-shm, the metrics file and the log are private to this user.
        umask 077
        set -a; . \(ShellWord.quote(envFile)); set +a
        log=\(ShellWord.quote(log))
        lock=\(ShellWord.quote(lockFile))
        cmd=(\(command.map(ShellWord.quote).joined(separator: " ")))
        # A stop (systemd's SIGTERM to the whole unit, or Ctrl-C) is callhist's to
        # handle: it finishes cleanly and exits 75. This script and its log pipe
        # ignore it, so the log gets callhist's last lines and the exit line.
        # (callhist puts the default action back for itself when it starts.)
        trap '' TERM INT
        # flock -n: if last night's run is somehow still going, skip this one (exit 75).
        flock -n -E 75 "$lock" "${cmd[@]}" 2>&1 | while IFS= read -r line; do printf '%s %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$line"; done >>"$log"
        status=${PIPESTATUS[0]}
        printf '%s exit %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$status" >>"$log"
        # Printing makes cron mail the owner (MAILTO) when the run needs attention.
        [ "$status" -eq 0 ] || echo "callhist nightly archive exited $status; see $log"
        exit "$status"

        """
    }

    /// Writes the env file (only when there is none: an edited one is kept)
    /// and the wrapper. Returns what it did, a line each.
    func write(_ environment: [String: String]) throws(SchedulerError) -> [String] {
        var done: [String] = []
        do {
            try FileManager.default.createDirectory(atPath: configDirectory, withIntermediateDirectories: true)
            if database.hasPrefix("/") {
                try FileManager.default.createDirectory(
                    atPath: (database as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            }
            try FileManager.default.createDirectory(atPath: (log as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw SchedulerError("cannot create the folders of the nightly job: \(error.localizedDescription)", cannotWrite: true)
        }
        if FileManager.default.fileExists(atPath: envFile) {
            chmod(envFile, 0o600)
            done.append("kept \(envFile) (credentials; mode 600)")
        } else {
            try Self.writeFile(envFile, envFileText(environment, reveal: true), mode: 0o600)
            done.append("wrote \(envFile) (credentials; mode 600)")
            if environment["FUSE_DEVELOPER_KEY"] == nil {
                done.append("edit \(envFile): put your Fuse login and developer key there")
            }
        }
        try Self.writeFile(wrapper, wrapperText, mode: 0o700)
        done.append("wrote \(wrapper)")
        return done
    }

    /// Removes the wrapper; the env file, the log and the archive stay.
    func remove() {
        try? FileManager.default.removeItem(atPath: wrapper)
    }

    /// Replaces `path` whole with `text` (`AtomicRename`: private while
    /// written, never through a symbolic link), then gives it `mode`.
    static func writeFile(_ path: String, _ text: String, mode: mode_t) throws(SchedulerError) {
        do {
            try AtomicRename.write(to: path) { try $0.write(text) }
        } catch {
            throw SchedulerError("\(error)", cannotWrite: true)
        }
        chmod(path, mode)
    }
}
