import Foundation
import SQLite
import XCTest

/// The three forms of `callhist archive`, the ids the API does not know,
/// and summaries that add up (docs/reliability.md, "Which ids a run fetches").
final class ArchiveFormsCommandTests: XCTestCase {
    var scratch: TemporaryDirectory!
    var mock: MockProcess!
    override func setUp() async throws {
        scratch = try TemporaryDirectory()
        mock = try MockProcess(["--calls", "60"])
    }
    // XCTest keeps every test's instance to the end: the mock goes now.
    override func tearDown() async throws { mock = nil }

    var env: [String: String] { Harness.environment(baseURL: mock.baseURL) }

    func row(_ db: String) throws -> [String: Int64] {
        let c = try Connection(path: db, mode: .readOnly)
        let names = [
            "requested", "fetched", "not_found", "forbidden", "failed", "left_over", "skipped_final", "skipped_waiting", "skipped_stale", "exit_code",
        ]
        var out: [String: Int64] = [:]
        for name in names { out[name] = try c.scalarInt("SELECT \(name) FROM archive_runs ORDER BY run_id DESC LIMIT 1") }
        return out
    }

    func metric(_ text: String, _ name: String) -> Int? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Int($0.split(separator: " ").last!) }
    }

    func testOneTypedIDIsOneRequestAndTheOtherFormsRunTheSchedule() throws {
        let db = scratch.path("a.sqlite")
        let file = try scratch.write("ids.txt", ids(1...40).joined(separator: "\n"))
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db, "--ids", file], env: env).status, 0)
        let open = try XCTUnwrap(try Connection(path: db, mode: .readOnly).scalarInt("SELECT count(*) FROM calls WHERE is_final = 0"))
        XCTAssertGreaterThan(open, 1, "some calls are still due")
        let final = try XCTUnwrap(
            try Connection(path: db, mode: .readOnly).scalarString("SELECT call_id FROM calls WHERE is_final = 1 ORDER BY call_id LIMIT 1"))

        // Typed alone: exactly that id, although final, and nothing else.
        var before = mock.requests
        let typed = try Harness.callhist(["archive", "--db", db, final], env: env)
        XCTAssertEqual(typed.status, 0, typed.stderr)
        XCTAssertEqual(mock.requests - before, 1 + 1, "one status request (and the stats call)")
        XCTAssertTrue(typed.stderr.hasPrefix("1 ids considered in "), typed.stderr)
        XCTAssertTrue(typed.stderr.contains(": 1 fetched (0 new, 0 changed, 1 unchanged), 0 not found, 0 forbidden, 0 failed ["), typed.stderr)

        // --with-due adds the due calls to it.
        before = mock.requests
        let withDue = try Harness.callhist(["archive", "--db", db, final, "--with-due"], env: env)
        XCTAssertEqual(withDue.status, 0, withDue.stderr)
        XCTAssertEqual(mock.requests - before, 1 + Int(open) + 1)
        // No ids at all: the due calls only (they were unchanged: now they wait).
        let nothing = try Harness.callhist(["archive", "--db", db], env: env)
        XCTAssertEqual(nothing.status, 0, nothing.stderr)
        XCTAssertTrue(nothing.stderr.contains("\(open) ids considered in "), nothing.stderr)
        XCTAssertTrue(nothing.stderr.contains("not fetched: \(open) waiting (not due yet)"), nothing.stderr)
        XCTAssertEqual(
            try Harness.callhist(["archive", "--db", db, final, "--with-due", "--no-refresh"], env: env).status, 64, "contradictory flags")
    }

    func testUnknownIDsAreNamedListedAndTheSummaryRowAndMetricsAddUp() throws {
        let db = scratch.path("a.sqlite")
        let metrics = scratch.path("m.prom")
        let first = try scratch.write("first.txt", ids(1...30).joined(separator: "\n"))
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db, "--ids", first], env: env).status, 0)
        let junk = (1...12).map { "junk-\($0)" }
        let file = try scratch.write("more.txt", (ids(1...40) + junk).joined(separator: "\n"))
        let r = try Harness.callhist(["archive", "--db", db, "--ids", file, "--metrics-file", metrics], env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        // The first 10 to come back (in the order they did), and the count.
        let note = try XCTUnwrap(r.stderr.split(separator: "\n").first { $0.hasPrefix("12 ids unknown to the API (404): ") }, r.stderr)
        let named = note.dropFirst("12 ids unknown to the API (404): ".count).prefix { $0 != "." }.components(separatedBy: ", ")
        XCTAssertEqual(named.count, 11, "10 ids and …: \(note)")
        XCTAssertEqual(named.last, "…")
        XCTAssertEqual(Set(named.dropLast()).count, 10)
        XCTAssertTrue(Set(named.dropLast()).isSubset(of: Set(junk)), note.description)
        XCTAssertTrue(
            note.hasSuffix(
                "They are asked again on the usual backoff until stale (report pending lists them); if they are junk, `callhist forget --ids FILE` removes them."
            ), note.description)
        // Every part of the run, in the row and the metrics, sums to the ids considered.
        let runRow = try row(db)
        let parts = ["fetched", "not_found", "forbidden", "failed", "left_over", "skipped_final", "skipped_waiting", "skipped_stale"]
        let sum = parts.reduce(0) { $0 + runRow[$1]! }
        XCTAssertEqual(sum, 52, "40 ids and 12 junk, each counted once: \(runRow)")
        XCTAssertEqual(runRow["not_found"], 12)
        XCTAssertGreaterThan(runRow["skipped_final"]!, 0, "final calls of the first file were considered, not fetched")
        XCTAssertTrue(r.stderr.hasPrefix("52 ids considered in "), r.stderr)
        let prom = try String(contentsOfFile: metrics, encoding: .utf8)
        XCTAssertEqual(metric(prom, "callhist_archive_considered_ids"), 52)
        XCTAssertEqual(metric(prom, "callhist_archive_skipped_ids{reason=\"final\"}").map(Int64.init), runRow["skipped_final"])

        // Listed with their own reason.
        let pending = try Harness.callhist(["report", "pending", "--db", db, "--limit", "0"], env: env)
        XCTAssertTrue(pending.stdout.contains("(12 unknown to the API)"), pending.stdout)
        XCTAssertEqual(pending.stdout.components(separatedBy: "unknown (404)").count - 1, 12)
        // The dry run counts them as waiting, with a table wide enough for every reason.
        let plan = try Harness.callhist(["archive", "--db", db, "--dry-run", "--ids", file], env: env)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let waiting = try XCTUnwrap(plan.stdout.split(separator: "\n").first { $0.hasPrefix("  skip:  waiting ") }, plan.stdout)
        XCTAssertGreaterThanOrEqual(
            waiting.count, 2 + "fetch: due: unknown to the API (404), backoff elapsed".count + 8, "room for the longest reason")
    }
}
