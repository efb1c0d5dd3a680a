import TestSupport
import XCTest

@testable import Postgres

/// Our libpq layer against a real server (the test run's throwaway cluster).
final class PostgresTests: XCTestCase {
    var url: String!
    var db: PostgresConnection!

    override func setUpWithError() throws {
        url = try PostgresCluster.server().createDatabase("pgtest")
        db = try PostgresConnection(url)
    }

    override func tearDown() {
        db?.close()
        db = nil
    }

    func testParametersRoundTripAsTheirTypes() throws {
        let r = try db.query(
            "SELECT $1::bigint, $2::text, $3::bigint, $4::float8, $5::int, $6::text",
            [Int64.max, "tab\there\nnewline 'quote' ünï", nil as Int64?, 0.1, true, ""])
        XCTAssertEqual(r.count, 1)
        XCTAssertEqual(r[0].int64(0), Int64.max)
        XCTAssertEqual(r[0].string(1), "tab\there\nnewline 'quote' ünï")
        XCTAssertTrue(r[0].isNull(2))
        XCTAssertNil(r[0].optionalInt64(2))
        XCTAssertEqual(r[0].double(3), 0.1)
        XCTAssertEqual(r[0].int(4), 1)
        XCTAssertEqual(r[0].optionalString(5), "")
        XCTAssertEqual(try db.scalarInt("SELECT $1::bigint", [Int64.min]), Int64.min)
        // A sum of bigints is numeric: still read as the integer it holds.
        XCTAssertEqual(try db.scalarInt("SELECT sum(x) FROM (VALUES (9007199254740993::bigint), (1)) v(x)"), 9_007_199_254_740_994)
    }

    func testErrorsCarrySQLStateMessageAndSQL() throws {
        try db.execute("CREATE TABLE t (id bigint PRIMARY KEY)")
        try db.query("INSERT INTO t VALUES ($1)", [1])
        XCTAssertThrowsError(try db.query("INSERT INTO t VALUES ($1)", [1])) { error in
            let e = error as! PostgresError
            XCTAssertEqual(e.sqlState, PostgresError.State.uniqueViolation)
            XCTAssertTrue(e.message.contains("duplicate key"), e.message)
            XCTAssertEqual(e.sql, "INSERT INTO t VALUES ($1)")
        }
        XCTAssertThrowsError(try db.query("SELECT * FROM missing")) { XCTAssertEqual(($0 as! PostgresError).sqlState, "42P01") }
        // The connection is still usable after an error outside a transaction.
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 1)
    }

    func testTransactionsRollBackOnError() throws {
        try db.execute("CREATE TABLE t (id bigint PRIMARY KEY)")
        XCTAssertThrowsError(
            try db.transaction { () throws -> Void in
                try db.query("INSERT INTO t VALUES (1)")
                try db.query("INSERT INTO t VALUES (1)")
            })
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 0)
        try db.transaction { try db.query("INSERT INTO t VALUES (2)") }
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 1)
    }

    func testCopyInEscapesEveryAwkwardCharacterAndBytesRoundTrip() throws {
        try db.execute("CREATE TABLE t (id bigint, s text, b bytea)")
        let awkward = "a\tb\nc\rd\\e \\N ünï 'x' \"y\""
        let allBytes = (0...255).map { UInt8($0) }
        let n = try db.copyIn("COPY t (id, s, b) FROM STDIN") { w in
            try w.row([.integer(1), .text(awkward), .bytes(allBytes)])
            try w.row([.integer(2), .null, .null])
            for k in 3...20_000 { try w.row([.integer(Int64(k)), .text("row \(k)"), .bytes([UInt8(k & 255)])]) }
        }
        XCTAssertEqual(n, 20_000)
        let r = try db.query("SELECT s, b FROM t WHERE id = 1")
        XCTAssertEqual(r[0].string(0), awkward)
        XCTAssertEqual(r[0].bytes(1), allBytes)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t WHERE s IS NULL AND b IS NULL"), 1)
        XCTAssertEqual(try db.scalarInt("SELECT sum(id) FROM t"), Int64(20_000 * 20_001 / 2))
        // A bytea parameter round-trips too.
        XCTAssertEqual(try db.query("SELECT $1::bytea", [PostgresBytes(allBytes)])[0].bytes(0), allBytes)
    }

    func testACopyThatFailsLeavesNothingAndTheConnectionUsable() throws {
        try db.execute("CREATE TABLE t (id bigint PRIMARY KEY)")
        XCTAssertThrowsError(
            try db.copyIn("COPY t FROM STDIN") { w in
                try w.row([.integer(1)])
                try w.row([.integer(1)])
            }
        ) { XCTAssertEqual(($0 as! PostgresError).sqlState, PostgresError.State.uniqueViolation) }
        struct Stop: Error {}
        XCTAssertThrowsError(
            try db.copyIn("COPY t FROM STDIN") { w in
                try w.row([.integer(5)])
                throw Stop()
            }
        ) { XCTAssertTrue($0 is Stop) }
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 0)
    }

    func testRowsStreamOneAtATimeAndAStopCancelsTheRest() throws {
        var seen: [Int64] = []
        try db.cursor("SELECT g FROM generate_series(1, $1::int) g", [50_000]) { seen.append($0.int64(0)) }
        XCTAssertEqual(seen.count, 50_000)
        XCTAssertEqual(seen.last, 50_000)
        struct Enough: Error {}
        var count = 0
        XCTAssertThrowsError(
            try db.cursor("SELECT g FROM generate_series(1, 10000000) g") { _ in
                count += 1
                if count == 10 { throw Enough() }
            }
        ) { XCTAssertTrue($0 is Enough) }
        XCTAssertEqual(count, 10)
        XCTAssertEqual(try db.scalarInt("SELECT 7"), 7)
        XCTAssertThrowsError(try db.cursor("SELECT 1/0") { _ in }) { XCTAssertEqual(($0 as! PostgresError).sqlState, "22012") }
    }

    func testPreparedStatementsRunManyTimes() throws {
        try db.execute("CREATE TABLE t (id bigint, s text)")
        let insert = try db.prepare("INSERT INTO t VALUES ($1, $2)")
        for k in 0..<100 { XCTAssertEqual(try insert.query([k, "v\(k)"]).affectedRows, 1) }
        XCTAssertEqual(try db.scalarString("SELECT string_agg(s, ',' ORDER BY id) FROM t WHERE id < 3"), "v0,v1,v2")
    }

    func testAFailedConnectionIsToldFromARefusal() {
        XCTAssertEqual(PostgresConnection.connectState("FATAL:  password authentication failed for user \"x\""), "28P01")
        XCTAssertEqual(PostgresConnection.connectState("FATAL:  database \"nope\" does not exist"), "3D000")
        XCTAssertEqual(PostgresConnection.connectState("FATAL:  role \"bob\" does not exist"), "28000")
        XCTAssertEqual(PostgresConnection.connectState("FATAL:  the database system is starting up"), "57P03")
        XCTAssertEqual(
            PostgresConnection.connectState("connection to server at \"127.0.0.1\", port 1 failed: Connection refused"), "08006")
    }

    func testAWrongPasswordIsRefusedWithoutShowingIt() throws {
        let server = try PostgresCluster.server()
        let bad = server.url(database: "postgres", password: "not-the-s3cret")
        XCTAssertThrowsError(try PostgresConnection(bad)) { error in
            let text = "\(error)"
            XCTAssertEqual((error as! PostgresError).sqlState, PostgresError.State.invalidPassword, "the server's refusal, not a lost connection")
            XCTAssertTrue(text.contains("password authentication failed"), text)
            XCTAssertFalse(text.contains("not-the-s3cret"), text)
            XCTAssertTrue(text.contains("postgresql://callhist:***@127.0.0.1"), text)
        }
    }

    func testRedactionHidesPasswordsInEveryPlaceAURLCarriesThem() {
        XCTAssertEqual(PostgresURL.redacted("postgresql://u:p%40ss@h:5/db?sslmode=require"), "postgresql://u:***@h:5/db?sslmode=require")
        XCTAssertEqual(PostgresURL.redacted("postgres://h/db?user=u&password=x&a=b"), "postgres://h/db?user=u&password=***&a=b")
        XCTAssertEqual(PostgresURL.redacted("postgresql://u@h/db"), "postgresql://u@h/db")
        XCTAssertEqual(PostgresURL.redacted("postgresql:///db?host=/tmp"), "postgresql:///db?host=/tmp")
        XCTAssertTrue(PostgresURL.isPostgres("POSTGRES://x"))
        XCTAssertFalse(PostgresURL.isPostgres("callhist.sqlite"))
    }
}
