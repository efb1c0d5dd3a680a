import Foundation
import SQLite
import TestSupport
import XCTest

final class SQLiteTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUp() async throws { dir = try TemporaryDirectory() }

    func openTable() throws -> Connection {
        let db = try Connection(path: dir.path("t.sqlite"))
        try db.enableWAL()
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB, u TEXT UNIQUE)")
        return db
    }

    func testEveryTypeRoundTrips() throws {
        let db = try openTable()
        let blob = Data([0, 1, 0, 255, 0])
        let insert = try db.prepare("INSERT INTO t (i, r, s, b) VALUES (?, ?, ?, ?)")
        try insert.run([Int64.max, 3.25, "héllo 🌍 — 中文", blob])
        try insert.run([Int64.min, -0.5, "", Data()])
        try insert.run([SQLiteValue.null, SQLiteValue.null, SQLiteValue.null, SQLiteValue.null])
        let rows = try db.prepare("SELECT i, r, s, b, typeof(s), typeof(b) FROM t ORDER BY id").map { s in
            [s.value(0), s.value(1), s.value(2), s.value(3), s.value(4), s.value(5)]
        }
        XCTAssertEqual(rows[0], [.integer(Int64.max), .real(3.25), .text("héllo 🌍 — 中文"), .blob(blob), .text("text"), .text("blob")])
        // An empty string stays text and an empty blob stays a blob: neither becomes NULL.
        XCTAssertEqual(rows[1], [.integer(Int64.min), .real(-0.5), .text(""), .blob(Data()), .text("text"), .text("blob")])
        XCTAssertEqual(rows[2], [.null, .null, .null, .null, .text("null"), .text("null")])
    }

    func testBindByName() throws {
        let db = try openTable()
        let s = try db.prepare("INSERT INTO t (i, s) VALUES (:i, :s)")
        try s.bind([":i": 42, ":s": "named"])
        try s.step()
        XCTAssertEqual(try db.scalarString("SELECT s FROM t WHERE i = 42"), "named")
        XCTAssertThrowsError(try s.bind([":nope": 1])) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, SQLiteError.Code.range)
        }
    }

    func testTextIsCopiedAtBindTime() throws {
        let db = try openTable()
        let s = try db.prepare("INSERT INTO t (s) VALUES (?)")
        do {
            let transient = String(repeating: "x", count: 1000) + "y"
            try s.bind([transient])
        }
        _ = Array(repeating: String(repeating: "z", count: 1000), count: 100)  // reuse freed memory
        try s.step()
        XCTAssertEqual(try db.scalarString("SELECT s FROM t"), String(repeating: "x", count: 1000) + "y")
    }

    func testConstraintViolationCarriesExtendedCodeAndSQL() throws {
        let db = try openTable()
        try db.execute("INSERT INTO t (id, u) VALUES (1, 'a')")
        let sql = "INSERT INTO t (id, u) VALUES (1, 'b')"
        XCTAssertThrowsError(try db.prepare(sql).run()) { error in
            let e = error as! SQLiteError
            XCTAssertEqual(e.extendedCode, SQLiteError.Code.constraintPrimaryKey)
            XCTAssertEqual(e.code, SQLiteError.Code.constraint)
            XCTAssertEqual(e.sql, sql)
            XCTAssertTrue(e.message.contains("UNIQUE constraint failed: t.id"), e.message)
            XCTAssertTrue(e.description.contains(sql))
        }
        XCTAssertThrowsError(try db.prepare("INSERT INTO t (id, u) VALUES (2, 'a')").run()) { error in
            XCTAssertEqual((error as! SQLiteError).extendedCode, SQLiteError.Code.constraintUnique)
        }
        XCTAssertThrowsError(try db.prepare("SELEC nonsense")) { error in
            let e = error as! SQLiteError
            XCTAssertEqual(e.code, SQLiteError.Code.error)
            XCTAssertEqual(e.sql, "SELEC nonsense")
        }
    }

    func testErrorInsideTransactionRollsBackAndRethrowsFirstError() throws {
        let db = try openTable()
        struct Boom: Error {}
        XCTAssertThrowsError(
            try db.transaction {
                try db.execute("INSERT INTO t (i) VALUES (1)")
                throw Boom()
            }
        ) { XCTAssertTrue($0 is Boom) }
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 0)

        XCTAssertThrowsError(
            try db.transaction {
                try db.execute("INSERT INTO t (id) VALUES (7)")
                try db.execute("INSERT INTO t (id) VALUES (7)")
            }
        ) { XCTAssertEqual(($0 as? SQLiteError)?.extendedCode, SQLiteError.Code.constraintPrimaryKey) }
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 0)

        try db.transaction { try db.execute("INSERT INTO t (i) VALUES (2)") }
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 1)
    }

    func testBusyWriterMakesSecondWaitThenFail() throws {
        let first = try openTable()
        let second = try Connection(path: dir.path("t.sqlite"), busyTimeout: .milliseconds(300))
        try first.execute("BEGIN IMMEDIATE")
        try first.execute("INSERT INTO t (i) VALUES (1)")
        let start = ContinuousClock.now
        XCTAssertThrowsError(try second.execute("INSERT INTO t (i) VALUES (2)")) { error in
            let e = error as! SQLiteError
            XCTAssertEqual(e.code, SQLiteError.Code.busy)
        }
        let waited = ContinuousClock.now - start
        XCTAssertGreaterThanOrEqual(waited, .milliseconds(250), "the busy timeout is in milliseconds and was waited")
        XCTAssertLessThan(waited, .seconds(5))
        // A WAL reader is not blocked by the writer.
        XCTAssertEqual(try second.scalarInt("SELECT count(*) FROM t"), 0)
        try first.execute("COMMIT")
        try second.execute("INSERT INTO t (i) VALUES (2)")
        XCTAssertEqual(try first.scalarInt("SELECT count(*) FROM t"), 2)
    }

    func testStatementCacheReusesAndCloseReportsLeaks() throws {
        let db = try openTable()
        do {
            let a = try db.cached("SELECT count(*) FROM t")
            let b = try db.cached("SELECT count(*) FROM t")
            XCTAssertTrue(a === b)
        }
        var leaked: Statement? = try db.prepare("SELECT 1")
        try withExtendedLifetime(leaked) {
            XCTAssertThrowsError(try db.close(), "a live statement keeps the connection open") {
                XCTAssertEqual(($0 as? SQLiteError)?.code, SQLiteError.Code.busy)
            }
        }
        leaked = nil  // finalizes it
        XCTAssertNoThrow(try db.close(), "closes once its last statement is finalized")
    }

    func testReadOnlyConnectionCannotWrite() throws {
        let db = try openTable()
        try db.execute("INSERT INTO t (i) VALUES (1)")
        let reader = try Connection(path: dir.path("t.sqlite"), mode: .readOnly)
        XCTAssertEqual(try reader.scalarInt("SELECT count(*) FROM t"), 1)
        XCTAssertThrowsError(try reader.execute("INSERT INTO t (i) VALUES (2)")) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, SQLiteError.Code.readOnly)
        }
        XCTAssertThrowsError(try Connection(path: dir.path("missing.sqlite"), mode: .readOnly))
    }

    func testBackupCopiesConsistently() throws {
        let db = try openTable()
        try db.transaction { for i in 0..<500 { try db.cached("INSERT INTO t (i) VALUES (?)").run([i]) } }
        let copy = try Connection(path: dir.path("copy.sqlite"))
        try db.backup(to: copy)
        XCTAssertEqual(try copy.scalarInt("SELECT sum(i) FROM t"), 124_750)
    }

    func testPrepareRefusesTrailingSQLAndBindingsMustMatch() throws {
        let db = try openTable()
        XCTAssertThrowsError(try db.prepare("INSERT INTO t (i) VALUES (1); DELETE FROM t")) { error in
            XCTAssertTrue("\(error)".contains("more than one statement"), "\(error)")
        }
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 0, "nothing ran")
        XCTAssertNoThrow(try db.prepare("SELECT 1; -- a comment\n ;  "), "white space, comments and semicolons are not SQL")
        let insert = try db.prepare("INSERT INTO t (i, s) VALUES (?, ?)")
        XCTAssertThrowsError(try insert.run([1])) { XCTAssertTrue("\($0)".contains("1 values bound to a statement with 2 parameters"), "\($0)") }
        XCTAssertThrowsError(try insert.run([1, "a", 3]))
        XCTAssertNoThrow(try insert.run([1, "a"]))
        XCTAssertEqual(try db.prepare("SELECT ?3").map([1, 2, 3]) { $0.int(0) }, [3], "?NNN counts as its highest number")
        XCTAssertNoThrow(try db.execute("INSERT INTO t (i) VALUES (2); INSERT INTO t (i) VALUES (3)"), "scripts go through execute")
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 3)
    }

    func testBeginCommitRollback() throws {
        let db = try openTable()
        try db.begin()
        XCTAssertTrue(db.isInTransaction)
        try db.execute("INSERT INTO t (i) VALUES (1)")
        db.rollback()
        XCTAssertFalse(db.isInTransaction)
        db.rollback()  // nothing open: nothing to do
        try db.begin()
        try db.execute("INSERT INTO t (i) VALUES (2)")
        try db.commit()
        XCTAssertEqual(try db.scalarInt("SELECT group_concat(i) FROM t"), 2)
    }
}
