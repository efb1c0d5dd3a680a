import Foundation
import SQLite
@_exported import TestSupport
import XCTest

/// Runs the built binaries as a user would: real processes, a real fuse-mock
/// on 127.0.0.1, real archive files in a temporary folder.
enum Harness {
    static let email = "ops@example.com"
    static let key = "dk_live_8f3a1c9e-SECRET-71b2"

    static var binDirectory: URL {
        // The test bundle sits in the build products folder beside the executables.
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [url, url.deletingLastPathComponent()]
        where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("callhist").path) {
            url = candidate
        }
        return url
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func environment(baseURL: String?, key: String? = Harness.key, extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for name in ["FUSE_EMAIL", "FUSE_DEVELOPER_KEY", "FUSE_BASE_URL", "CALLHIST_DB"] { env[name] = nil }
        env["FUSE_EMAIL"] = email
        if let key { env["FUSE_DEVELOPER_KEY"] = key }
        if let baseURL { env["FUSE_BASE_URL"] = baseURL }
        env.merge(extra) { $1 }
        return env
    }

    /// Runs `callhist args…` to completion.
    @discardableResult
    static func callhist(_ args: [String], env: [String: String], stdin: String? = nil, cwd: URL? = nil) throws -> Result {
        try run(binDirectory.appendingPathComponent("callhist").path, args, env: env, stdin: stdin, cwd: cwd)
    }

    /// Runs a program to completion (killed after `timeout` seconds, if
    /// given); stdout and stderr apart, `stdin` written to its input.
    @discardableResult
    static func run(
        _ path: String, _ args: [String], env: [String: String]? = nil, stdin: String? = nil, cwd: URL? = nil,
        timeout: TimeInterval? = nil
    ) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        if let env { p.environment = env }
        if let cwd { p.currentDirectoryURL = cwd }
        // Output goes to files: a chatty process can never block on a full pipe.
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("callhist-out-\(UUID().uuidString)")
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("callhist-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let input = Pipe()
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        if let timeout {
            let deadline = Date().addingTimeInterval(timeout)
            while p.isRunning && Date() < deadline { usleep(50_000) }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        }
        p.waitUntilExit()
        let outData = try Data(contentsOf: outURL)
        let errData = try Data(contentsOf: errURL)
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `/bin/bash ARGS…` (a script, or `-c` and a command line) to
    /// completion; stdout and stderr together.
    static func bash(_ args: [String], env: [String: String], cwd: URL? = nil) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = args
        p.environment = env
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs a server that prints its port as its first line of output, and
    /// returns that port (nil when it printed none).
    static func startPrintingPort(_ process: Process) throws -> Int? {
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        return Int(String(decoding: line, as: UTF8.self).split(separator: "\n").first?.trimmingCharacters(in: .whitespaces) ?? "")
    }

    /// Starts `callhist args…` without waiting (for kill and concurrency tests).
    static func startCallhist(_ args: [String], env: [String: String]) throws -> Process {
        let p = Process()
        p.executableURL = binDirectory.appendingPathComponent("callhist")
        p.arguments = args
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }
}

/// A fuse-mock process on a free loopback port, stopped when dropped. Hold
/// it in a local, or in a property that `tearDown` sets to nil: XCTest keeps
/// test-case instances alive until the whole run ends.
final class MockProcess {
    let process = Process()
    let port: Int
    /// The mocks' simulated "now": the present when the tests started.
    static let epoch = Int64(Date().timeIntervalSince1970)

    init(_ args: [String] = []) throws {
        process.executableURL = Harness.binDirectory.appendingPathComponent("fuse-mock")
        // The simulated clock stands still unless a test moves it, at one
        // moment for every mock of the test run: the calls' states are fixed,
        // and two mocks serve the same calls.
        process.arguments = ["--port", "0", "--email", Harness.email, "--threads", "1", "--now", String(Self.epoch), "--speed", "0"] + args
        // The key goes through the environment: arguments are visible to every user (ps).
        var environment = ProcessInfo.processInfo.environment
        environment["FUSE_MOCK_KEY"] = Harness.key
        process.environment = environment
        guard let port = try Harness.startPrintingPort(process) else {
            process.terminate()
            throw NSError(domain: "MockProcess", code: 1, userInfo: [NSLocalizedDescriptionKey: "fuse-mock did not print its port"])
        }
        self.port = port
    }

    var baseURL: String { "http://127.0.0.1:\(port)/api" }

    /// The mock's counters (GET /_mock/stats), fetched with curl's CLI-free path: a raw socket.
    func stats() throws -> [String: Any] {
        let body = try Self.http("GET", port: port, path: "/_mock/stats")
        return try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
    }

    var requests: Int { ((try? stats())?["requests"] as? Int) ?? -1 }

    /// Status requests answered 200 (the stats calls themselves not counted).
    func answered() throws -> Int { ((try stats()["by_status"] as? [String: Any])?["200"] as? Int) ?? 0 }

    func advance(seconds: Int) throws { _ = try Self.http("POST", port: port, path: "/_mock/advance?seconds=\(seconds)") }

    /// SIGTERM, then SIGKILL if it has not gone within five seconds: a test
    /// run never hangs on, nor leaves behind, a mock.
    deinit {
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// A minimal HTTP/1.0 exchange for the mock's admin routes.
    static func http(_ method: String, port: Int, path: String) throws -> String {
        guard let fd = Loopback.connect(port: port) else { throw NSError(domain: "MockProcess", code: 2) }
        defer { close(fd) }
        let request = "\(method) \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            response.append(contentsOf: buffer[0..<n])
        }
        let text = String(decoding: response, as: UTF8.self)
        return text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    }
}

/// The archived call data of a file, without run bookkeeping: two archives
/// of the same calls have equal dumps.
func callDataDump(_ path: String) throws -> [String] {
    let db = try Connection(path: path, mode: .readOnly)
    var rows: [String] = []
    try db.prepare(
        """
        SELECT call_id, status, phone_number, attempts, max_attempts, queued_timestamp, start_timestamp, end_timestamp,
               reattempt_wait, duration, is_final FROM calls ORDER BY call_id
        """
    ).forEachRow { s in rows.append((0..<s.columnCount).map { s.value($0).description }.joined(separator: "|")) }
    try db.prepare("SELECT call_id, seq, event, timestamp FROM call_events ORDER BY call_id, seq").forEachRow { s in
        rows.append("E " + (0..<s.columnCount).map { s.value($0).description }.joined(separator: "|"))
    }
    try db.prepare("SELECT call_id, body_sha256, body FROM call_snapshots ORDER BY call_id, body_sha256").forEachRow { s in
        rows.append("S " + (0..<s.columnCount).map { s.value($0).description }.joined(separator: "|"))
    }
    return rows
}

func ids(_ range: ClosedRange<Int>) -> [String] { range.map { String(format: "call-%07d", $0) } }
