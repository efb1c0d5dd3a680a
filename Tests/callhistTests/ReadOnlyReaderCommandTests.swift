import Foundation
import SQLite
import XCTest

/// Readers need no write access (docs/schema.md, "Reading without write
/// access"): a second Unix user runs every read-only command on an archive
/// whose file and folder it cannot write, and gets the owner's answer.
final class ReadOnlyReaderCommandTests: XCTestCase {
    var scratch: TemporaryDirectory!
    var mock: MockProcess!
    var binary: String!
    var db: String!
    let reader = "nobody"

    override func setUp() async throws {
        guard getuid() == 0, getpwnam(reader) != nil, FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else {
            throw XCTSkip("needs root, the user \(reader) and runuser to act as a second user")
        }
        scratch = try TemporaryDirectory()
        chmod(scratch.url.path, 0o755)
        // The reader runs its own copy: the build folder may be closed to it.
        binary = scratch.path("callhist")
        try FileManager.default.copyItem(atPath: Harness.binDirectory.appendingPathComponent("callhist").path, toPath: binary)
        chmod(binary, 0o755)
        let share = scratch.path("share")
        try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
        mock = try MockProcess(["--calls", "60"])
        db = share + "/calls.sqlite"
        let rows = (1...60).map { String(format: "call-%07d,%@", $0, $0 % 3 == 0 ? "autumn" : "spring") }
        let csv = try scratch.write("ids.csv", "call_id,campaign\n" + rows.joined(separator: "\n") + "\n")
        XCTAssertEqual(try owner(["archive", "--db", db, "--ids", csv], baseURL: mock.baseURL).status, 0)
        // The file itself holds the first run (SQLite folds the -wal in as it grows; here, now).
        try Connection(path: db).execute("PRAGMA wal_checkpoint(TRUNCATE)")
        chmod(share, 0o755)
    }

    // XCTest keeps every test's instance to the end: the mock goes now.
    override func tearDown() async throws { mock = nil }

    /// The same clean environment for both users: no credentials, UTC.
    func environment(_ baseURL: String? = nil) -> [String: String] {
        var env = ["PATH": "/usr/bin:/bin", "HOME": "/tmp", "TZ": "UTC", "LANG": "C.UTF-8"]
        if let baseURL {
            env["FUSE_BASE_URL"] = baseURL
            env["FUSE_EMAIL"] = Harness.email
            env["FUSE_DEVELOPER_KEY"] = Harness.key
        }
        return env
    }

    @discardableResult
    func owner(_ args: [String], baseURL: String? = nil) throws -> Harness.Result {
        try Harness.run(binary, args, env: environment(baseURL))
    }

    func asReader(_ args: [String], baseURL: String? = nil) throws -> Harness.Result {
        try Harness.run("/usr/sbin/runuser", ["-u", reader, "--", binary] + args, env: environment(baseURL))
    }

    /// Files the reader may read, none it may write, in a folder it cannot write.
    func share(_ files: [String]) {
        for file in files where FileManager.default.fileExists(atPath: file) { chmod(file, 0o644) }
    }

    static let commands: [[String]] = [
        ["report", "summary"], ["report", "daily", "--utc"], ["report", "labels", "campaign"], ["report", "runs", "--utc"],
        ["report", "attempts"], ["report", "durations"], ["export", "calls", "--format", "ndjson"], ["export", "events"],
        ["archive", "--dry-run", "--list", "--format", "csv"],
    ]

    func assertTheReaderGetsTheOwnersAnswers(_ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for command in Self.commands {
            let mine = try owner(command + ["--db", db])
            let theirs = try asReader(command + ["--db", db])
            XCTAssertEqual(theirs.status, 0, "\(label) \(command): \(theirs.stderr)", file: file, line: line)
            XCTAssertEqual(theirs.stdout, mine.stdout, "\(label) \(command)", file: file, line: line)
            XCTAssertFalse(theirs.stdout.isEmpty, "\(label) \(command)", file: file, line: line)
        }
        let pending = try asReader(["report", "pending", "--db", db, "--format", "json"])
        XCTAssertEqual(pending.status, 0, pending.stderr, file: file, line: line)
        let doctor = try asReader(["doctor", "--db", db])
        XCTAssertTrue(doctor.stdout.contains("OK    integrity_check: ok"), "\(label): \(doctor.stdout)\(doctor.stderr)", file: file, line: line)
        XCTAssertFalse(doctor.stdout.contains("cannot be written"), doctor.stdout, file: file, line: line)
        // A backup into a folder the reader may write.
        let drop = scratch.path("drop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        chmod(drop, 0o1777)
        let backup = try asReader(["backup", "--db", db, drop + "/copy.sqlite"])
        XCTAssertEqual(backup.status, 0, "\(label): \(backup.stderr)", file: file, line: line)
        XCTAssertEqual(
            try Connection(path: drop + "/copy.sqlite", mode: .readOnly).scalarInt("SELECT count(*) FROM calls"), 60, label, file: file, line: line)
    }

    func testEveryReadOnlyCommandWorksForAUserWhoCannotWriteTheArchive() throws {
        // As the last run left it: WAL mode, -wal and -shm beside it (readable only).
        share([db, db + "-wal", db + "-shm"])
        try assertTheReaderGetsTheOwnersAnswers("with -wal and -shm")
        let folder = (db as NSString).deletingLastPathComponent
        for path in [db!, folder] {
            XCTAssertNotEqual(
                try Harness.run("/usr/sbin/runuser", ["-u", reader, "--", "/usr/bin/test", "-w", path]).status, 0, "\(path) is not writable to it")
        }
        XCTAssertEqual(try asReader(["report", "summary", "--db", db]).stderr, "", "no warning: nothing is hidden from it")

        // Checkpointed, without -wal and -shm: SQLite cannot create them in the folder.
        try Connection(path: db).execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        share([db])
        try assertTheReaderGetsTheOwnersAnswers("without -wal and -shm")
        XCTAssertEqual(try asReader(["report", "summary", "--db", db]).stderr, "", "the file holds every commit: no warning")
        let write = try asReader(["archive", "--db", db, "call-0000001"], baseURL: mock.baseURL)
        XCTAssertEqual(write.status, 73, "writing still needs write access: \(write.stderr)")
    }

    func testCommitsTheReaderCannotSeeAreSaidOnceAndNeverFaked() throws {
        // The owner archives again; its -wal holds the new run, and the -shm is gone.
        XCTAssertEqual(try owner(["archive", "--db", db, "call-0000002"], baseURL: mock.baseURL).status, 0)
        try? FileManager.default.removeItem(atPath: db + "-shm")
        share([db, db + "-wal"])
        let runs = try asReader(["report", "runs", "--db", db, "--format", "json"])
        XCTAssertEqual(runs.status, 0, runs.stderr)
        XCTAssertEqual(runs.stderr.components(separatedBy: "is read without its -wal file").count - 1, 1, "said once: \(runs.stderr)")
        XCTAssertTrue(runs.stderr.hasPrefix("callhist: warning: \(db!) is read without its -wal file ("), runs.stderr)
        let seen = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as? [[String: Any]])
        let truth = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(try owner(["report", "runs", "--db", db, "--format", "json"]).stdout.utf8))
                as? [[String: Any]])
        XCTAssertEqual(truth.count, 2)
        XCTAssertEqual(seen.count, 1, "the answer the file holds: the first run, never an invented one")
        XCTAssertEqual(seen.first?["run_id"] as? Int, 1)

        // A file whose schema is still in the -wal: a clear error, not "run migrate".
        let fresh = scratch.path("share/fresh.sqlite")
        XCTAssertEqual(try owner(["archive", "--db", fresh, "call-0000003"], baseURL: mock.baseURL).status, 0)
        try? FileManager.default.removeItem(atPath: fresh + "-shm")
        share([fresh, fresh + "-wal"])
        let early = try asReader(["report", "summary", "--db", fresh])
        XCTAssertEqual(early.status, 73)
        XCTAssertTrue(early.stderr.contains("its latest commits, the schema included, are still in its -wal file"), early.stderr)
    }
}
