import Foundation
import SQLite
import TestSupport
import XCTest

/// The security and fault audit's findings (issue 31), each through the
/// built binary against a hostile server or a hostile neighbour
/// (docs/reliability.md).
final class TrustCommandTests: XCTestCase {
    var scratch: TemporaryDirectory!
    override func setUp() async throws { scratch = try TemporaryDirectory() }

    func scalar(_ db: String, _ sql: String) throws -> Int64? {
        try Connection(path: db, mode: .readOnly).scalarInt(sql)
    }

    /// A server that accepts and never answers, under --max-runtime: the ids
    /// whose retries the budget cut off are failures, the run exits 75 and
    /// records 75, and no run counts as the last success.
    func testAHungAPIUnderATimeBudgetIsNeverASuccess() throws {
        let hung = try SilentListener()
        let db = scratch.path("a.sqlite")
        let metrics = scratch.path("callhist.prom")
        let r = try Harness.callhist(["archive", "--db", db, "--max-runtime", "3s", "--timeout", "1s", "--concurrency", "8",
                                      "--metrics-file", metrics] + ids(1...6), env: Harness.environment(baseURL: hung.baseURL))
        XCTAssertEqual(r.status, 75, r.stderr)
        XCTAssertTrue(r.stderr.contains("6 calls could not be fetched after retries"), r.stderr)
        XCTAssertTrue(r.stderr.contains("not retried: the run's budget (--max-runtime or --max-requests) ended first"), r.stderr)
        XCTAssertEqual(try scalar(db, "SELECT exit_code FROM archive_runs"), 75)
        XCTAssertEqual(try scalar(db, "SELECT failed FROM archive_runs"), 6)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE last_outcome = 'failed' AND last_error LIKE '%timed out%not retried%'"), 6)
        XCTAssertTrue(try String(contentsOfFile: metrics, encoding: .utf8).contains("callhist_archive_exit_code 75\n"))
        let doctor = try Harness.callhist(["doctor", "--db", db, "--max-age", "36h"], env: [:])
        XCTAssertTrue(doctor.stdout.contains("FAIL  no archive run has succeeded yet (--max-age 36h)"), doctor.stdout)
    }
}
