import FuseAPI
import SQLite
import TestSupport
import XCTest

@testable import ArchiveCore
@testable import ArchiveSQLite
@testable import CallHistory

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

    /// Version 7: a call with several values of one name keeps one (the
    /// greatest: the archive never recorded which came last); the others
    /// are kept in call_labels_merged and the opening command can say so.
    /// An archive of version 7 gets `call_quarter_durations` filled from the
    /// calls it holds — deltas still waiting counted once, not twice — and
    /// `report hours` answers from it at once.
    func testVersion8FillsTheHourDurationsFromTheCallsArchived() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("v7.sqlite")
        let db = try Connection(path: path)
        try Migrator.migrate(db, to: 7)
        // 2026-11-02 14:15Z and 14:50Z (one hour), 15:05Z (the next); a failed call picked up.
        try db.execute(
            """
            INSERT INTO calls (call_id, status, queued_timestamp, duration, event_duration, first_seen_at, is_final) VALUES
              ('a', 'completed', 1793628900, 30, NULL, 0, 1), ('b', 'completed', 1793631000, NULL, 50, 0, 1),
              ('c', 'completed', 1793631900, 70, 70, 0, 1), ('d', 'failed', 1793631900, NULL, 12, 0, 1), ('e', 'failed', 1793631900, NULL, NULL, 0, 1)
            """)
        // Written as another tool would: the deltas wait for callhist's next write.
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM call_deltas"), 5)
        try db.close()
        let archive = try CallArchive.openForWriting(path)
        XCTAssertEqual(try archive.schemaVersion, Migrator.latestVersion)
        try archive.close()
        let after = try Connection(path: path, mode: .readOnly)
        XCTAssertEqual(
            try after.prepare("SELECT quarter || ':' || duration || 'x' || calls FROM call_quarter_durations ORDER BY quarter, duration").map {
                $0.string(0)
            },
            ["1992921:30x1", "1992923:50x1", "1992924:70x1"])
        XCTAssertEqual(try Aggregates.mismatches(after), 0)
        let plan = try after.prepare("EXPLAIN QUERY PLAN SELECT count(*) FROM calls INDEXED BY calls_answered WHERE \(ReportSQL.answeredUncompleted)")
            .map { $0.string(3) }.joined()
        XCTAssertTrue(plan.contains("USING INDEX calls_answered"), plan)
        let hours = try CallArchive.openForReading(path).hours(CallFilter(), zone: TimeZone(identifier: "UTC")!)
        XCTAssertEqual([hours.hours[14].completed, hours.hours[15].completed, hours.hours[15].answered, hours.hours[15].final], [2, 1, 2, 3])
        XCTAssertEqual([hours.hours[14].medianDuration, hours.hours[15].medianDuration], [30, 70])
    }

    func testVersion7KeepsOneValuePerNameAndTheOthersInTheMergedTable() throws {
        let path = dir.path("v6.sqlite")
        let db = try Connection(path: path)
        try Migrator.migrate(db, to: 6)
        try db.execute(
            """
            INSERT INTO call_labels VALUES ('c1', 'clinic', 'A'), ('c1', 'clinic', 'B'), ('c1', 'campaign', 'spring'),
                                           ('c2', 'clinic', 'A'), ('c2', 'list', 'x'), ('c2', 'list', 'y'), ('c2', 'list', 'z')
            """)
        try db.close()
        let started = Int64(Date().timeIntervalSince1970)
        let archive = try CallArchive.openForWriting(path)
        XCTAssertEqual(try archive.schemaVersion, Migrator.latestVersion)
        XCTAssertEqual(try archive.labelValuesMerged(since: started), 3)
        XCTAssertEqual(
            try archive.labelMergeNote(since: started),
            "the schema upgrade merged 3 label values: a call now holds one value per label name (the greatest was kept; the others are in the table call_labels_merged)"
        )
        try archive.close()
        let after = try Connection(path: path, mode: .readOnly)
        XCTAssertEqual(
            try after.prepare("SELECT call_id || ' ' || name || '=' || value FROM call_labels ORDER BY 1").map { $0.string(0) },
            ["c1 campaign=spring", "c1 clinic=B", "c2 clinic=A", "c2 list=z"])
        XCTAssertEqual(
            try after.prepare("SELECT call_id || ' ' || name || ' ' || value || '->' || kept FROM call_labels_merged ORDER BY 1").map {
                $0.string(0)
            },
            ["c1 clinic A->B", "c2 list x->z", "c2 list y->z"])
        XCTAssertThrowsError(try Connection(path: path).execute("INSERT INTO call_labels VALUES ('c1', 'clinic', 'C')"), "one value per name")
    }

    func testNewerFileIsRefusedNamingBothVersions() throws {
        let db = try Connection(path: dir.path("n.sqlite"))
        try db.setUserVersion(Migrator.latestVersion + 5)
        XCTAssertThrowsError(try Migrator.migrate(db)) { error in
            XCTAssertEqual(
                error as? ArchiveError,
                .newerSchema(path: dir.path("n.sqlite"), fileVersion: Migrator.latestVersion + 5, supportedVersion: Migrator.latestVersion))
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

    func testVersion2BackfillsEventDurationsAsTheStoreDerivesThem() throws {
        let db = try Connection(path: dir.path("v1.sqlite"))
        try Migrator.migrate(db, to: 1)
        let cases: [(String, [(String, Int64)])] = [
            ("ordered", [("queued", 1), ("connected", 10), ("disconnected", 25)]),
            ("shuffled", [("disconnected", 100), ("queued", 10), ("connected", 40), ("dialing", 20)]),
            ("early-hangup", [("disconnected", 5), ("connected", 10), ("disconnected", 12)]),
            ("no-answer", [("dialing", 1), ("disconnected", 9)]),
        ]
        try db.transaction {
            for (id, events) in cases {
                try db.prepare("INSERT INTO calls (call_id, status, first_seen_at) VALUES (?, 'completed', 0)").run([id])
                for (seq, e) in events.enumerated() { try db.prepare("INSERT INTO call_events VALUES (?, ?, ?, ?)").run([id, seq, e.0, e.1]) }
            }
        }
        try Migrator.migrate(db)
        for (id, events) in cases {
            let expected = CallStore.eventDuration(events.map { CallStatus.Event(event: $0.0, timestamp: $0.1) })
            XCTAssertEqual(try db.scalarInt("SELECT event_duration FROM calls WHERE call_id = ?", [id]), expected, id)
        }
        XCTAssertEqual(CallStore.eventDuration([.init(event: "disconnected", timestamp: 100), .init(event: "connected", timestamp: 40)]), 60)
        XCTAssertEqual(
            CallStore.eventDuration([
                .init(event: "disconnected", timestamp: 5), .init(event: "connected", timestamp: 10), .init(event: "disconnected", timestamp: 12),
            ]), 2)
        XCTAssertNil(CallStore.eventDuration([.init(event: "connected", timestamp: 10)]))
    }
}
