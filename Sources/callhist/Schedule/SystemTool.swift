import Foundation

/// One run of a system tool (`crontab`, `systemctl`), found on PATH, with
/// what it printed kept so that a failure is reported in its own words.
struct SystemTool {
    let name: String
    /// Where the tool is; nil when it is not on PATH.
    let path: String?

    init(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.name = name
        let folders = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        path = folders.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Result {
        let status: Int32
        let output: String
        let errors: String
    }

    /// Runs the tool with `arguments`, `input` on its stdin. Throws only when
    /// it cannot be started; a non-zero exit is the caller's to judge.
    /// The tool's path, or the error that says it is missing and what to do.
    func require(hint: String) throws(SchedulerError) -> String {
        guard let path else { throw SchedulerError("\(name) not found on PATH (\(hint)); nothing was scheduled") }
        return path
    }

    func run(_ arguments: [String], input: String? = nil, hint: String) throws(SchedulerError) -> Result {
        let path = try require(hint: hint)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdout = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardInput = stdin
        // Errors go to a file, not a second pipe: reading one pipe to its end
        // while the tool blocks on a full other one would hang both.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("callhist-\(name)-\(getpid())-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil), let errorHandle = FileHandle(forWritingAtPath: errorFile.path)
        else { throw SchedulerError("cannot create a temporary file in \(FileManager.default.temporaryDirectory.path) to run \(name)") }
        defer {
            try? errorHandle.close()
            try? FileManager.default.removeItem(at: errorFile)
        }
        process.standardError = errorHandle
        do { try process.run() } catch { throw SchedulerError("cannot run \(path): \(error.localizedDescription)") }
        stdin.fileHandleForWriting.write(Data((input ?? "").utf8))
        try? stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return Result(
            status: process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus,
            output: String(decoding: output, as: UTF8.self),
            errors: errors.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The failure of `result` as one sentence: the command, its exit and its words.
    func failure(_ arguments: [String], _ result: Result, then: String) -> SchedulerError {
        let words = result.errors.isEmpty ? result.output.trimmingCharacters(in: .whitespacesAndNewlines) : result.errors
        let said = words.isEmpty ? "it printed nothing" : "it said: \(words)"
        return SchedulerError("`\(([name] + arguments).joined(separator: " "))` failed (exit \(result.status)); \(said). \(then)")
    }
}
