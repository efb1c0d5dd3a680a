import Foundation
import SQLite
import XCTest

/// scripts/install-cron.sh, with a stand-in `crontab` that keeps the table in a file,
/// then the exact command it installs, run against fuse-mock.
final class CronInstallTests: XCTestCase {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func run(_ args: [String], env: [String: String]) throws -> (Int32, String) { try Harness.bash(args, env: env) }

    /// A stand-in `crontab` on PATH that keeps the table in `table`; the environment to run the installer with.
    func crontabStandIn(_ dir: TemporaryDirectory, table: String, mock: MockProcess) throws -> [String: String] {
        let bin = dir.path("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let shim = """
            #!/bin/bash
            case "$1" in
              -l) [ -f "\(table)" ] && cat "\(table)" || exit 1 ;;
              -r) rm -f "\(table)" ;;
              -) cat > "\(table)" ;;
            esac
            """
        try shim.write(toFile: bin + "/crontab", atomically: true, encoding: .utf8)
        chmod(bin + "/crontab", 0o755)
        var env = Harness.environment(baseURL: mock.baseURL)
        env["PATH"] = bin + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        return env
    }

    /// systemd stops a unit by sending SIGTERM to every process in it: the
    /// wrapper and its log pipe ride it out, callhist stops cleanly, and the
    /// log ends with callhist's summary and "exit 75".
    func testAStopSignalToTheWholeJobIsLoggedAndRecorded() throws {
        let dir = try TemporaryDirectory()
        let mock = try MockProcess(["--calls", "200", "--latency", "150"])
        let config = dir.path("config")
        let db = dir.path("nightly.sqlite")
        let log = dir.path("nightly.log")
        let ids = try dir.write("ids.txt", ids(1...200).joined(separator: "\n"))
        let (status, output) = try run(
            [
                "scripts/install-cron.sh".prefixed(repo), "--no-crontab", "--db", db, "--ids", ids, "--log", log,
                "--callhist", Harness.binDirectory.appendingPathComponent("callhist").path, "--config-dir", config,
                "--", "--concurrency", "2",
            ], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(status, 0, output)
        // Its own process group, as a systemd unit's control group. (setsid
        // forks when it leads a group already; -w waits and passes the status on.)
        let job = Process()
        job.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        job.arguments = ["-w", "/bin/bash", config + "/nightly.sh"]
        job.environment = Harness.environment(baseURL: nil, key: nil)
        try job.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline,
            ((try? Connection(path: db, mode: .readOnly).scalarInt("SELECT count(*) FROM calls WHERE status IS NOT NULL")) ?? 0) ?? 0 < 10
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

    func testInstallsOnceRunsTheInstalledLineAndUninstalls() throws {
        let dir = try TemporaryDirectory()
        let table = dir.path("crontab.txt")
        try "MAILTO=ops@example.com\n0 1 * * * /usr/bin/true # someone else's job\n".write(toFile: table, atomically: true, encoding: .utf8)
        let mock = try MockProcess(["--calls", "50"])
        let env = try crontabStandIn(dir, table: table, mock: mock)
        let config = dir.path("config")
        let db = dir.path("data/nightly.sqlite")
        let metrics = dir.path("callhist.prom")
        let ids = try dir.write("ids.txt", ids(1...50).joined(separator: "\n"))
        let install = [
            "scripts/install-cron.sh".prefixed(repo), "--time", "03:15", "--db", db, "--ids", ids, "--metrics-file", metrics,
            "--callhist", Harness.binDirectory.appendingPathComponent("callhist").path, "--config-dir", config,
        ]
        for _ in 0..<2 {
            let (status, output) = try run(install, env: env)
            XCTAssertEqual(status, 0, output)
        }
        let lines = try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n")
        let ours = lines.filter { $0.contains("# callhist-nightly") }
        XCTAssertEqual(ours.count, 1, "re-running does not duplicate the line")
        XCTAssertTrue(ours[0].hasPrefix("15 3 * * * "), String(ours[0]))
        XCTAssertTrue(lines.contains("0 1 * * * /usr/bin/true # someone else's job"))
        XCTAssertTrue(lines.contains("MAILTO=ops@example.com"))

        let envFile = config + "/env"
        let mode = try FileManager.default.attributesOfItem(atPath: envFile)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertTrue(try String(contentsOfFile: envFile, encoding: .utf8).contains(Harness.key))
        XCTAssertFalse(ours[0].contains(Harness.key))
        XCTAssertFalse(
            try String(contentsOfFile: config + "/nightly.sh", encoding: .utf8).contains(Harness.key), "the key lives only in the env file")

        // Run the installed command as cron would: no credentials in the environment.
        let command = ours[0].split(separator: " ").dropFirst(5).joined(separator: " ")
        let cronEnv = ["PATH": "/usr/bin:/bin", "HOME": dir.url.path, "SHELL": "/bin/sh"]
        let (status, output) = try run(["-c", command], env: cronEnv)
        XCTAssertEqual(status, 0, output)
        XCTAssertEqual(output, "", "a good night prints nothing, so cron sends no mail")
        XCTAssertEqual(try Connection(path: db, mode: .readOnly).scalarInt("SELECT count(*) FROM calls WHERE status IS NOT NULL"), 50)
        let log = try String(contentsOfFile: dir.path("data/callhist.log"), encoding: .utf8)
        XCTAssertNotNil(log.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 50 ids considered in "#, options: [.regularExpression, .anchored]), log)
        XCTAssertTrue(log.contains(" exit 0\n"), log)
        XCTAssertTrue(FileManager.default.fileExists(atPath: metrics))

        // A failing night prints one line, so cron mails it.
        try "FUSE_EMAIL=\(Harness.email)\nFUSE_DEVELOPER_KEY=wrong\nFUSE_BASE_URL=\(mock.baseURL)\n".write(
            toFile: envFile, atomically: true, encoding: .utf8)
        let (failed, failOutput) = try run(["-c", command], env: cronEnv)
        XCTAssertEqual(failed, 77)
        XCTAssertTrue(failOutput.contains("exited 77"), failOutput)

        let (removed, removeOutput) = try run(["scripts/install-cron.sh".prefixed(repo), "--uninstall", "--config-dir", config], env: env)
        XCTAssertEqual(removed, 0, removeOutput)
        let after = try String(contentsOfFile: table, encoding: .utf8)
        XCTAssertFalse(after.contains("callhist-nightly"))
        XCTAssertTrue(after.contains("someone else's job"))
    }
    /// Without FUSE_BASE_URL (the API's own URL is the default) the installer
    /// finishes: the env file without it, and the crontab line installed.
    func testInstallsWithoutABaseURLInTheEnvironment() throws {
        let dir = try TemporaryDirectory()
        let table = dir.path("crontab.txt")
        let mock = try MockProcess(["--calls", "10"])
        var env = try crontabStandIn(dir, table: table, mock: mock)
        env["FUSE_BASE_URL"] = nil
        let config = dir.path("config")
        let (status, output) = try run(
            [
                "scripts/install-cron.sh".prefixed(repo), "--callhist", Harness.binDirectory.appendingPathComponent("callhist").path, "--config-dir",
                config,
                "--db", dir.path("n.sqlite"), "--log", dir.path("n.log"),
            ], env: env)
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(try String(contentsOfFile: table, encoding: .utf8).contains("callhist-nightly"), output)
        let envFile = try String(contentsOfFile: config + "/env", encoding: .utf8)
        XCTAssertTrue(envFile.contains("FUSE_DEVELOPER_KEY="))
        XCTAssertFalse(envFile.contains("FUSE_BASE_URL"))
    }

    /// systemd splits `ExecStart=` at spaces and expands `%` and `$`: the
    /// unit names the wrapper quoted and escaped, so it runs what was installed.
    func testTheSystemdUnitQuotesAWrapperPathWithSpacesAndPercents() throws {
        let dir = try TemporaryDirectory()
        let mock = try MockProcess(["--calls", "10"])
        let env = try crontabStandIn(dir, table: dir.path("crontab.txt"), mock: mock)
        let config = dir.path("my config %h $HOME")
        let units = dir.path("units")
        let (status, output) = try run(
            [
                "scripts/install-systemd.sh".prefixed(repo), "--unit-dir", units, "--callhist",
                Harness.binDirectory.appendingPathComponent("callhist").path, "--config-dir", config, "--db", dir.path("n.sqlite"),
            ], env: env)
        XCTAssertEqual(status, 0, output)
        let unit = try String(contentsOfFile: units + "/callhist-archive.service", encoding: .utf8)
        let escaped = (config + "/nightly.sh").replacingOccurrences(of: "%", with: "%%").replacingOccurrences(of: "$", with: "$$")
        XCTAssertTrue(unit.contains("ExecStart=/bin/bash \"\(escaped)\"\n"), unit)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: config + "/nightly.sh"), "the path it names is the wrapper")
    }

    func testRelativePathsPercentSignsAndTwoInstallationsSideBySide() throws {
        let dir = try TemporaryDirectory()
        let table = dir.path("crontab.txt")
        let mock = try MockProcess(["--calls", "10"])
        let env = try crontabStandIn(dir, table: table, mock: mock)
        _ = try dir.write("ids.txt", ids(1...10).joined(separator: "\n"))
        let callhist = Harness.binDirectory.appendingPathComponent("callhist").path
        // Relative paths, given from the folder the operator stands in; a % in a folder name.
        func install(_ config: String, _ db: String) throws -> (Int32, String) {
            try Harness.bash(
                ["scripts/install-cron.sh".prefixed(repo), "--db", db, "--ids", "ids.txt", "--callhist", callhist, "--config-dir", config],
                env: env, cwd: dir.url)
        }
        XCTAssertEqual(try install("cfg%a", "data%a/a.sqlite").0, 0)
        XCTAssertEqual(try install("cfg-b", "data-b/b.sqlite").0, 0)
        var lines = try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, "a second --config-dir does not replace the first: \(lines)")
        XCTAssertTrue(lines.allSatisfy { !$0.replacingOccurrences(of: "\\%", with: "").contains("%") }, "every % is escaped for cron: \(lines)")
        let wrapper = try String(contentsOfFile: dir.path("cfg%a/nightly.sh"), encoding: .utf8)
        XCTAssertTrue(wrapper.contains(dir.path("data%a/a.sqlite")), "the archive path is absolute")
        XCTAssertTrue(wrapper.contains(dir.path("ids.txt")), "the ids path is absolute")
        XCTAssertTrue(wrapper.contains("umask 077"))

        // Run the first line as cron would: from $HOME, elsewhere.
        let command = lines[0].split(separator: " ").dropFirst(5).joined(separator: " ")
        let cronEnv = ["PATH": "/usr/bin:/bin", "HOME": "/", "SHELL": "/bin/sh"]
        let (status, output) = try run(["-c", "cd / && " + command], env: cronEnv)
        XCTAssertEqual(status, 0, output)
        XCTAssertEqual(
            try Connection(path: dir.path("data%a/a.sqlite"), mode: .readOnly).scalarInt("SELECT count(*) FROM calls WHERE status IS NOT NULL"), 10)
        let mode = { (path: String) in try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int }
        XCTAssertEqual(try mode(dir.path("data%a/callhist.log")), 0o600, "the log is private")
        XCTAssertEqual(try mode(dir.path("data%a/a.sqlite")), 0o600)

        XCTAssertEqual(
            try Harness.bash(["scripts/install-cron.sh".prefixed(repo), "--uninstall", "--config-dir", "cfg%a"], env: env, cwd: dir.url).status, 0)
        lines = try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines[0].hasSuffix("# callhist-nightly " + dir.path("cfg-b")), lines[0])
    }
}

extension String {
    fileprivate func prefixed(_ repo: URL) -> String { repo.appendingPathComponent(self).path }
}
