import Foundation
import SQLite
import XCTest

/// `callhist schedule`, against stand-ins for `crontab` and `systemctl` on
/// PATH that keep what they were given in files (and fail when told to),
/// then the exact job it installs, run against fuse-mock.
final class ScheduleCommandTests: XCTestCase {
    var callhist: String { Harness.binDirectory.appendingPathComponent("callhist").path }

    /// Stand-ins in `dir/bin`: `crontab` keeps the table in `dir/crontab.txt`;
    /// both log their arguments to `dir/calls.txt`; `fail` names an
    /// argument that makes them print a message and exit 3.
    func standIns(_ dir: TemporaryDirectory, baseURL: String?, fail: String? = nil) throws -> [String: String] {
        let bin = dir.path("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let failing =
            fail.map { "for a in \"$@\"; do [ \"$a\" = '\($0)' ] && { echo \"$(basename $0): stand-in refuses $a\" >&2; exit 3; }; done" } ?? ""
        let crontab = """
            #!/bin/bash
            echo "crontab $*" >> "\(dir.path("calls.txt"))"
            \(failing)
            case "$1" in
              -l) [ -f "\(dir.path("crontab.txt"))" ] && cat "\(dir.path("crontab.txt"))" || { echo "no crontab for $USER" >&2; exit 1; } ;;
              -r) rm -f "\(dir.path("crontab.txt"))" ;;
              -) cat > "\(dir.path("crontab.txt"))" ;;
            esac
            """
        let systemctl = """
            #!/bin/bash
            echo "systemctl $*" >> "\(dir.path("calls.txt"))"
            \(failing)
            exit 0
            """
        try crontab.write(toFile: bin + "/crontab", atomically: true, encoding: .utf8)
        try systemctl.write(toFile: bin + "/systemctl", atomically: true, encoding: .utf8)
        chmod(bin + "/crontab", 0o755)
        chmod(bin + "/systemctl", 0o755)
        var env = Harness.environment(baseURL: baseURL)
        env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["HOME"] = dir.path("home")
        env["XDG_CONFIG_HOME"] = nil
        env["XDG_DATA_HOME"] = nil
        return env
    }

    func calls(_ dir: TemporaryDirectory) -> [String] {
        ((try? String(contentsOfFile: dir.path("calls.txt"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func table(_ dir: TemporaryDirectory) throws -> [String] {
        try String(contentsOfFile: dir.path("crontab.txt"), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// What cron hands to the shell for a crontab line: the command after the
    /// five time fields, `\%` read as `%` (an unescaped `%` would end it).
    func cronCommand(_ line: String) -> String {
        let command = line.split(separator: " ", maxSplits: 5)[5]
        XCTAssertFalse(command.replacingOccurrences(of: "\\%", with: "").contains("%"), "every % is escaped for cron: \(line)")
        return command.replacingOccurrences(of: "\\%", with: "%")
    }

    /// Runs `command` as cron does: `/bin/sh -c`, from `/`, with cron's bare
    /// environment (no credentials); what it printed is what cron would mail.
    func runAsCron(_ command: String) throws -> (status: Int32, mail: String) {
        let result = try Harness.run(
            "/bin/sh", ["-c", command], env: ["PATH": "/usr/bin:/bin", "HOME": "/", "SHELL": "/bin/sh"], cwd: URL(fileURLWithPath: "/"))
        return (result.status, result.stdout + result.stderr)
    }

    func mode(_ path: String) throws -> Int? { try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int }

    func testInstallsOnceRunsTheInstalledLineAndRemovesIt() throws {
        let dir = try TemporaryDirectory()
        try "MAILTO=ops@example.com\n0 1 * * * /usr/bin/true # someone else's job\n".write(
            toFile: dir.path("crontab.txt"), atomically: true, encoding: .utf8)
        let mock = try MockProcess(["--calls", "50"])
        let env = try standIns(dir, baseURL: mock.baseURL)
        let config = dir.path("config")
        let db = dir.path("data/nightly.sqlite")
        let metrics = dir.path("callhist.prom")
        let ids = try dir.write("ids.txt", ids(1...50).joined(separator: "\n"))
        let install = ["schedule", "--cron", "--at", "03:15", "--db", db, "--ids", ids, "--metrics-file", metrics, "--config-dir", config]
        for _ in 0..<2 {
            let result = try Harness.callhist(install, env: env)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains("installed in your crontab: 15 3 * * * "), result.stdout)
            XCTAssertFalse(result.stdout.contains(Harness.key) || result.stderr.contains(Harness.key))
        }
        let lines = try table(dir)
        let ours = lines.filter { $0.contains("# callhist-nightly") }
        XCTAssertEqual(ours.count, 1, "installing again does not duplicate the line")
        XCTAssertEqual(ours[0], "15 3 * * * /bin/bash \(config)/nightly.sh # callhist-nightly \(config)")
        XCTAssertTrue(lines.contains("0 1 * * * /usr/bin/true # someone else's job"))
        XCTAssertTrue(lines.contains("MAILTO=ops@example.com"))

        let envFile = config + "/env"
        XCTAssertEqual(try mode(envFile), 0o600)
        XCTAssertEqual(try mode(config + "/nightly.sh"), 0o700)
        XCTAssertTrue(try String(contentsOfFile: envFile, encoding: .utf8).contains("FUSE_DEVELOPER_KEY=\(Harness.key)\n"))
        let wrapper = try String(contentsOfFile: config + "/nightly.sh", encoding: .utf8)
        XCTAssertFalse(wrapper.contains(Harness.key), "the key lives only in the env file")
        XCTAssertTrue(wrapper.contains("cmd=(\(callhist) archive --db \(db) --progress never --ids \(ids) --metrics-file \(metrics))"), wrapper)

        // Run the installed command as cron would: from elsewhere, no credentials in the environment.
        let command = cronCommand(ours[0])
        let (status, output) = try runAsCron(command)
        XCTAssertEqual(status, 0, output)
        XCTAssertEqual(output, "", "a good night prints nothing, so cron sends no mail")
        XCTAssertEqual(try Connection(path: db, mode: .readOnly).scalarInt("SELECT count(*) FROM calls WHERE status IS NOT NULL"), 50)
        let log = try String(contentsOfFile: dir.path("data/callhist.log"), encoding: .utf8)
        XCTAssertNotNil(log.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 50 ids considered in "#, options: [.regularExpression, .anchored]), log)
        XCTAssertTrue(log.hasSuffix(" exit 0\n"), log)
        XCTAssertEqual(try mode(dir.path("data/callhist.log")), 0o600, "the log is private")
        XCTAssertEqual(try mode(db), 0o600)
        XCTAssertTrue(FileManager.default.fileExists(atPath: metrics))

        // A failing night prints one line, so cron mails it.
        try "FUSE_EMAIL=\(Harness.email)\nFUSE_DEVELOPER_KEY=wrong\nFUSE_BASE_URL=\(mock.baseURL)\n".write(
            toFile: envFile, atomically: true, encoding: .utf8)
        let (failed, failOutput) = try runAsCron(command)
        XCTAssertEqual(failed, 77)
        XCTAssertEqual(failOutput, "callhist nightly archive exited 77; see \(dir.path("data/callhist.log"))\n")
        // Installing again keeps the edited env file.
        XCTAssertEqual(try Harness.callhist(install, env: env).status, 0)
        XCTAssertTrue(try String(contentsOfFile: envFile, encoding: .utf8).contains("FUSE_DEVELOPER_KEY=wrong"))

        let removed = try Harness.callhist(["schedule", "--cron", "--remove", "--config-dir", config], env: env)
        XCTAssertEqual(removed.status, 0, removed.stderr)
        XCTAssertEqual(try table(dir), ["MAILTO=ops@example.com", "0 1 * * * /usr/bin/true # someone else's job"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: config + "/nightly.sh"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: envFile), "--remove keeps the credentials")
    }

    /// The scheduler's own failure ends the command with exit 71 and its
    /// words; a crontab that cannot even be read leaves nothing behind.
    func testAFailingCrontabOrSystemctlFailsLoudlyWithItsMessage() throws {
        let dir = try TemporaryDirectory()
        let config = dir.path("config")
        var env = try standIns(dir, baseURL: nil, fail: "-l")
        var result = try Harness.callhist(["schedule", "--cron", "--config-dir", config], env: env)
        XCTAssertEqual(result.status, 71, result.stderr)
        XCTAssertEqual(result.stderr, "callhist: `crontab -l` failed (exit 3); it said: crontab: stand-in refuses -l. Nothing was changed.\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: config), "nothing written before the table could be read")

        env = try standIns(dir, baseURL: nil, fail: "-")
        result = try Harness.callhist(["schedule", "--cron", "--config-dir", config], env: env)
        XCTAssertEqual(result.status, 71, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("callhist: `crontab -` failed (exit 3); it said: crontab: stand-in refuses -."), result.stderr)
        XCTAssertFalse(result.stdout.contains("installed"), result.stdout)

        env = try standIns(dir, baseURL: nil, fail: "enable")
        result = try Harness.callhist(["schedule", "--systemd", "--config-dir", config, "--unit-dir", dir.path("units")], env: env)
        XCTAssertEqual(result.status, 71, result.stderr)
        XCTAssertTrue(
            result.stderr.hasPrefix(
                "callhist: `systemctl --user enable --now callhist-archive.timer` failed (exit 3); it said: systemctl: stand-in refuses enable."),
            result.stderr)
        XCTAssertFalse(result.stdout.contains("enabled"), result.stdout)

        // No systemctl at all: said before anything is written.
        env["PATH"] = "/usr/bin/nonexistent"
        let elsewhere = dir.path("other-config")
        result = try Harness.run(callhist, ["schedule", "--systemd", "--config-dir", elsewhere], env: env)
        XCTAssertEqual(result.status, 71, result.stderr)
        XCTAssertTrue(result.stderr.contains("systemctl not found on PATH"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: elsewhere))
    }

    func testDryRunShowsEverythingWithoutTheKeyAndChangesNothing() throws {
        let dir = try TemporaryDirectory()
        let env = try standIns(dir, baseURL: "http://127.0.0.1:1/api")
        for scheduler in ["--cron", "--systemd"] {
            let result = try Harness.callhist(
                ["schedule", scheduler, "--dry-run", "--ids", "new.txt", "--", "--rate", "5", "--cacert=ca.pem"], env: env, cwd: dir.url)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertFalse(result.stdout.contains(Harness.key), "the key is never shown")
            XCTAssertTrue(result.stdout.contains("FUSE_DEVELOPER_KEY=(the value of FUSE_DEVELOPER_KEY, not shown)"), result.stdout)
            let home = dir.path("home")
            XCTAssertTrue(
                result.stdout.contains(
                    "cmd=(\(callhist) archive --db \(home)/.local/share/callhist/callhist.sqlite --progress never --ids \(dir.path("new.txt")) --rate 5 --cacert=\(dir.path("ca.pem")))"
                ), result.stdout)
            if scheduler == "--cron" {
                XCTAssertTrue(
                    result.stdout.contains(
                        "\n30 2 * * * /bin/bash \(home)/.config/callhist/nightly.sh # callhist-nightly \(home)/.config/callhist\n"),
                    result.stdout)
            } else {
                XCTAssertTrue(result.stdout.contains("ExecStart=/bin/bash \"\(home)/.config/callhist/nightly.sh\"\n"), result.stdout)
                XCTAssertTrue(result.stdout.contains("OnCalendar=*-*-* 02:30:00\n"), result.stdout)
                XCTAssertTrue(result.stdout.contains("would run: systemctl --user enable --now callhist-archive.timer"), result.stdout)
            }
        }
        XCTAssertEqual(calls(dir), [], "a dry run runs nothing")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("home")), "and writes nothing")
        // Archive options are checked when scheduling, not at 02:30.
        let bad = try Harness.callhist(["schedule", "--cron", "--dry-run", "--", "--concurrency", "0"], env: env)
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("the options for callhist archive are not valid: --concurrency must be between 1 and 1024"), bad.stderr)
    }

    /// systemd splits `ExecStart=` at spaces and expands `%` and `$`: the
    /// unit names the wrapper quoted and escaped, so it runs what was installed.
    func testTheSystemdTimerIsEnabledAndRemoved() throws {
        let dir = try TemporaryDirectory()
        let env = try standIns(dir, baseURL: "http://127.0.0.1:1/api")
        let config = dir.path("my config %h $HOME")
        let units = dir.path("units")
        let result = try Harness.callhist(
            ["schedule", "--systemd", "--at", "4:10", "--unit-dir", units, "--config-dir", config, "--db", dir.path("n.sqlite")], env: env)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(calls(dir), ["systemctl --user daemon-reload", "systemctl --user enable --now callhist-archive.timer"])
        let service = try String(contentsOfFile: units + "/callhist-archive.service", encoding: .utf8)
        let escaped = (config + "/nightly.sh").replacingOccurrences(of: "%", with: "%%").replacingOccurrences(of: "$", with: "$$")
        XCTAssertTrue(service.contains("ExecStart=/bin/bash \"\(escaped)\"\n"), service)
        XCTAssertTrue(service.contains("SuccessExitStatus=75\n"))
        XCTAssertFalse(service.contains(Harness.key), "the key lives only in the env file")
        let timer = try String(contentsOfFile: units + "/callhist-archive.timer", encoding: .utf8)
        XCTAssertTrue(timer.contains("OnCalendar=*-*-* 04:10:00\n"), timer)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: config + "/nightly.sh"), "the path it names is the wrapper")
        XCTAssertEqual(try mode(config + "/env"), 0o600)

        let removed = try Harness.callhist(["schedule", "--systemd", "--remove", "--unit-dir", units, "--config-dir", config], env: env)
        XCTAssertEqual(removed.status, 0, removed.stderr)
        XCTAssertEqual(calls(dir).suffix(2), ["systemctl --user disable --now callhist-archive.timer", "systemctl --user daemon-reload"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: units), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: config + "/nightly.sh"))
    }

    /// systemd stops a unit by sending SIGTERM to every process in it: the
    /// wrapper and its log pipe ride it out, callhist stops cleanly, and the
    /// log ends with callhist's summary and "exit 75".
    func testAStopSignalToTheWholeJobIsLoggedAndRecorded() throws {
        let dir = try TemporaryDirectory()
        let mock = try MockProcess(["--calls", "200", "--latency", "150"])
        let env = try standIns(dir, baseURL: mock.baseURL)
        let config = dir.path("config")
        let db = dir.path("nightly.sqlite")
        let log = dir.path("nightly.log")
        let ids = try dir.write("ids.txt", ids(1...200).joined(separator: "\n"))
        let result = try Harness.callhist(
            [
                "schedule", "--systemd", "--unit-dir", dir.path("units"), "--db", db, "--ids", ids, "--log", log, "--config-dir", config, "--",
                "--concurrency", "2",
            ],
            env: env)
        XCTAssertEqual(result.status, 0, result.stderr)
        // Its own process group, as a systemd unit's control group. (setsid
        // forks when it leads a group already; -w waits and passes the status on.)
        let job = Process()
        job.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        job.arguments = ["-w", "/bin/bash", config + "/nightly.sh"]
        job.environment = Harness.environment(baseURL: nil, key: nil)
        try job.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline,
            ((try? Connection(path: db, mode: .readOnly).scalarInt("SELECT count(*) FROM calls WHERE status IS NOT NULL")) ?? nil ?? 0) < 10
        {
            usleep(50_000)
        }
        let group = try Harness.bash(
            ["-c", "ps -o pgid= -p $(pgrep -f '^/bin/bash \(config)/nightly.sh' | head -1)"], env: ProcessInfo.processInfo.environment)
        let pgid = try XCTUnwrap(Int32(group.output.trimmingCharacters(in: .whitespacesAndNewlines)), group.output)
        XCTAssertNotEqual(pgid, getpgrp(), "never the test runner's own group")
        kill(-pgid, SIGTERM)
        job.waitUntilExit()
        XCTAssertEqual(job.terminationStatus, 75)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(lines.last?.hasSuffix(" exit 75") == true, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.contains("left for the next run (interrupted)") }, lines.joined(separator: "\n"))
        XCTAssertEqual(try Connection(path: db, mode: .readOnly).scalarInt("SELECT exit_code FROM archive_runs"), 75)
    }

    /// Relative paths mean what they meant where the operator stood; a `%`
    /// is escaped for cron; a second --config-dir is a second installation.
    func testRelativePathsPercentSignsAndTwoInstallationsSideBySide() throws {
        let dir = try TemporaryDirectory()
        let mock = try MockProcess(["--calls", "10"])
        var env = try standIns(dir, baseURL: mock.baseURL)
        env["FUSE_BASE_URL"] = nil  // the env file then names none; the job below is given the mock's in its env file
        _ = try dir.write("ids.txt", ids(1...10).joined(separator: "\n"))
        func install(_ config: String, _ db: String) throws -> Harness.Result {
            try Harness.callhist(["schedule", "--cron", "--db", db, "--ids", "ids.txt", "--config-dir", config], env: env, cwd: dir.url)
        }
        XCTAssertEqual(try install("cfg%a", "data%a/a.sqlite").status, 0)
        XCTAssertEqual(try install("cfg-b", "data-b/b.sqlite").status, 0)
        var lines = try table(dir)
        XCTAssertEqual(lines.count, 2, "a second --config-dir does not replace the first: \(lines)")
        XCTAssertTrue(lines.allSatisfy { !$0.replacingOccurrences(of: "\\%", with: "").contains("%") }, "every % is escaped for cron: \(lines)")
        let envFile = try String(contentsOfFile: dir.path("cfg%a/env"), encoding: .utf8)
        XCTAssertFalse(envFile.contains("FUSE_BASE_URL"), envFile)
        try (envFile + "FUSE_BASE_URL=\(mock.baseURL)\n").write(toFile: dir.path("cfg%a/env"), atomically: true, encoding: .utf8)

        // Run the first line as cron would: from $HOME, elsewhere.
        let command = cronCommand(lines[0])
        let (status, output) = try runAsCron(command)
        XCTAssertEqual(status, 0, output)
        XCTAssertEqual(
            try Connection(path: dir.path("data%a/a.sqlite"), mode: .readOnly).scalarInt("SELECT count(*) FROM calls WHERE status IS NOT NULL"), 10)

        XCTAssertEqual(try Harness.callhist(["schedule", "--cron", "--remove", "--config-dir", "cfg%a"], env: env, cwd: dir.url).status, 0)
        lines = try table(dir)
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines[0].hasSuffix("# callhist-nightly " + dir.path("cfg-b")), lines[0])
        // Removing the last line removes the table.
        XCTAssertEqual(try Harness.callhist(["schedule", "--cron", "--remove", "--config-dir", "cfg-b"], env: env, cwd: dir.url).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("crontab.txt")))
        XCTAssertEqual(calls(dir).last, "crontab -r")
    }
}
