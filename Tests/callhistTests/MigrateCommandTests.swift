import Foundation
import SQLite
import XCTest

final class MigrateCommandTests: XCTestCase {
    func testMigrateCreatesAFileOtherToolsRead() throws {
        let scratch = try TemporaryDirectory()
        let env = Harness.environment(baseURL: nil, extra: ["CALLHIST_DB": scratch.path("env.sqlite")])
        let r = try Harness.callhist(["migrate"], env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.path("env.sqlite")), "CALLHIST_DB is honoured")
        let tables = try Connection(path: scratch.path("env.sqlite"), mode: .readOnly)
            .prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name").map { $0.string(0) }
        for name in ["archive_runs", "call_events", "call_snapshots", "calls", "status_changes", "calls_view", "call_events_view"] {
            XCTAssertTrue(tables.contains(name), name)
        }
        XCTAssertEqual(try Harness.callhist(["migrate"], env: env, cwd: scratch.url).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.path("env.sqlite")))
    }

    func testDefaultPathIsTheWorkingDirectory() throws {
        let scratch = try TemporaryDirectory()
        XCTAssertEqual(try Harness.callhist(["migrate"], env: Harness.environment(baseURL: nil), cwd: scratch.url).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.path("callhist.sqlite")))
    }

    func testGarbageAndNewerFilesAreRefusedUntouched() throws {
        let scratch = try TemporaryDirectory()
        let garbage = try scratch.write("g.sqlite", String(repeating: "not a database\n", count: 100))
        let before = try Data(contentsOf: URL(fileURLWithPath: garbage))
        let r = try Harness.callhist(["migrate", "--db", garbage], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("not a callhist archive"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: garbage)), before)

        let newer = scratch.path("n.sqlite")
        XCTAssertEqual(try Harness.callhist(["migrate", "--db", newer], env: Harness.environment(baseURL: nil)).status, 0)
        try Connection(path: newer).execute("PRAGMA user_version = 99")
        let refused = try Harness.callhist(["migrate", "--db", newer], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.stderr.contains("schema version 99"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("up to 9"), refused.stderr)
    }

    func testVersionAndHelp() throws {
        let v = try Harness.callhist(["--version"], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(v.status, 0)
        XCTAssertTrue(v.stdout.hasPrefix("0."), v.stdout)
        let h = try Harness.callhist(["--help"], env: Harness.environment(baseURL: nil))
        XCTAssertTrue(h.stdout.contains("archive"))
        XCTAssertTrue(h.stdout.contains("import"))
    }

    func testTheBinaryAloneCarriesItsMigrations() throws {
        let scratch = try TemporaryDirectory()
        let copy = scratch.path("callhist")
        try FileManager.default.copyItem(atPath: Harness.binDirectory.appendingPathComponent("callhist").path, toPath: copy)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: copy)
        p.arguments = ["migrate", "--db", "fresh.sqlite"]
        p.currentDirectoryURL = scratch.url
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(try Connection(path: scratch.path("fresh.sqlite"), mode: .readOnly).userVersion, 9)
    }
}
