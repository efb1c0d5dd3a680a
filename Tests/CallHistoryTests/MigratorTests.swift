@testable import CallHistory
import SQLite
import TestSupport
import XCTest

final class MigratorTests: XCTestCase {
    var dir: TemporaryDirectory!
    override func setUp() async throws { dir = try TemporaryDirectory() }

    func schema(_ db: Connection) throws -> [String] {
        try db.prepare("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema ORDER BY type, name").map { $0.string(0) }
    }

    func testMigrationsAreNumberedAndEmbedded() {
        XCTAssertFalse(Migrator.all.isEmpty)
        for (i, m) in Migrator.all.enumerated() {
            XCTAssertEqual(m.version, i + 1)
            XCTAssertTrue(m.name.hasSuffix(".sql"))
        }
        XCTAssertTrue(Migrator.all[0].sql.contains("CREATE TABLE calls"))
    }

    func testFreshFileReachesLatestAndSecondRunChangesNothing() throws {
        let db = try ArchiveFile.openForWriting(dir.path("a.sqlite"))
        XCTAssertEqual(try db.userVersion, Migrator.latestVersion)
        let before = try schema(db)
        let result = try Migrator.migrate(db)
        XCTAssertEqual(result.from, result.to)
        XCTAssertEqual(try schema(db), before)
        XCTAssertEqual(try db.scalarString("PRAGMA journal_mode"), "wal")
        XCTAssertEqual(try db.scalarInt("PRAGMA foreign_keys"), 1)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%STRICT%'"), 0, "no STRICT tables")
    }

    func testUpgradingFromEveryEarlierVersionEqualsAFreshFile() throws {
        let fresh = try ArchiveFile.openForWriting(dir.path("fresh.sqlite"))
        let expected = try schema(fresh)
        for version in 0..<Migrator.latestVersion {
            let db = try Connection(path: dir.path("v\(version).sqlite"))
            try Migrator.migrate(db, to: version)
            XCTAssertEqual(try db.userVersion, version)
            try Migrator.migrate(db)
            XCTAssertEqual(try schema(db), expected, "upgrade from version \(version)")
        }
    }

    func testNewerFileIsRefusedNamingBothVersions() throws {
        let db = try Connection(path: dir.path("n.sqlite"))
        try db.setUserVersion(Migrator.latestVersion + 5)
        XCTAssertThrowsError(try Migrator.migrate(db)) { error in
            XCTAssertEqual(error as? ArchiveError, .newerSchema(path: dir.path("n.sqlite"), fileVersion: Migrator.latestVersion + 5, supportedVersion: Migrator.latestVersion))
            XCTAssertTrue("\(error)".contains("upgrade callhist"))
        }
    }

    func testGarbageFileIsAClearError() throws {
        let path = dir.path("g.sqlite")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ArchiveFile.openForWriting(path)) { error in
            guard case .notADatabase(let p, _)? = error as? ArchiveError else { return XCTFail("\(error)") }
            XCTAssertEqual(p, path)
        }
    }

    func testAFailingMigrationLeavesThePreviousVersion() throws {
        let db = try Connection(path: dir.path("f.sqlite"))
        try db.execute("CREATE TABLE calls (x)")  // collides with migration 1
        XCTAssertThrowsError(try Migrator.migrate(db)) { error in
            guard case .migrationFailed(_, let name, let detail)? = error as? ArchiveError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, Migrator.all[0].name)
            XCTAssertTrue(detail.contains("already exists"), detail)
        }
        XCTAssertEqual(try db.userVersion, 0)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'archive_runs'"), 0, "rolled back whole")
    }
}
