import Foundation
import SQLite
import XCTest

/// `callhist export datasette-metadata`: every table, view and column of a
/// real archive described; the canned queries answer as the reports do; and
/// Datasette itself (from PyPI, in the virtualenv scripts/test.sh
/// makes) loads the archive with it and serves every page and query.
final class DatasetteMetadataTests: XCTestCase {
    var dir: TemporaryDirectory!
    var mock: MockProcess?

    override func setUp() async throws { dir = try TemporaryDirectory() }
    override func tearDown() async throws { mock = nil }

    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func archive() throws -> String {
        let mock = try MockProcess(["--calls", "400", "--days", "20", "--seed", "3"])
        self.mock = mock
        let ids = try dir.write("ids.txt", (1...400).map { String(format: "call-%07d", $0) }.joined(separator: "\n") + "\n")
        let db = dir.path("calls.sqlite")
        let r = try Harness.callhist(["archive", "--db", db, "--ids", ids], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(r.status, 0, r.stderr)
        return db
    }

    func json(_ args: [String], _ db: String) throws -> Any {
        let r = try Harness.callhist(args + ["--db", db, "--format", "json", "--utc"], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(r.status, 0, r.stderr)
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
    }

    func testEveryColumnIsDescribedAndTheQueriesAnswerAsTheReports() throws {
        let db = try archive()
        let path = dir.path("metadata.json")
        let r = try Harness.callhist(["export", "datasette-metadata", "--db", db, "--output", path], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(r.status, 0, r.stderr)
        let metadata = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        XCTAssertEqual(metadata["title"] as? String, "Call history")
        // Keyed as Datasette names the file: its name without the extension.
        let database = try XCTUnwrap((metadata["databases"] as? [String: Any])?["calls"] as? [String: Any])
        let tables = try XCTUnwrap(database["tables"] as? [String: [String: Any]])

        // Every table and view of the archive, and every column, has a description.
        let connection = try Connection(path: db, mode: .readOnly)
        let schema = try connection.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'").map {
            $0.string(0)
        }
        XCTAssertGreaterThan(schema.count, 15)
        for name in schema {
            let table = try XCTUnwrap(tables[name], "\(name) is not described")
            XCTAssertFalse((table["description"] as? String ?? "").isEmpty, name)
            let columns = try XCTUnwrap(table["columns"] as? [String: String], name)
            for column in try connection.prepare("SELECT name FROM pragma_table_info(?)").map([name], { $0.string(0) }) {
                XCTAssertFalse((columns[column] ?? "").isEmpty, "\(name).\(column) is not described")
            }
            XCTAssertEqual(
                Set(columns.keys).subtracting(try connection.prepare("SELECT name FROM pragma_table_info(?)").map([name], { $0.string(0) })), [],
                "\(name) describes columns it does not have")
        }
        XCTAssertEqual((tables["calls"]?["units"] as? [String: String])?["duration"], "s")
        XCTAssertEqual(tables["call_deltas"]?["hidden"] as? Bool, true)

        // The canned queries give the reports' numbers (UTC days).
        let queries = try XCTUnwrap(database["queries"] as? [String: [String: String]])
        func rows(_ name: String, _ parameters: [String: any SQLiteBindable] = [:]) throws -> [[String: Any]] {
            let statement = try connection.prepare(try XCTUnwrap(queries[name]?["sql"], name))
            var out: [[String: Any]] = []
            try statement.forEachRow(named: parameters) { row in
                var values: [String: Any] = [:]
                for i in 0..<row.columnCount { values[row.columnName(i)] = row.isNull(i) ? NSNull() : row.string(i) }
                out.append(values)
            }
            return out
        }
        let summary = try XCTUnwrap(try json(["report", "summary"], db) as? [String: Any])
        let byStatus = try XCTUnwrap(summary["by_status"] as? [String: Int])
        XCTAssertEqual(
            Dictionary(uniqueKeysWithValues: try rows("status_mix").map { ($0["status"] as! String, Int($0["calls"] as! String)!) }), byStatus)
        let daily = try XCTUnwrap(try json(["report", "daily"], db) as? [[String: Any]])
        let days = try rows("completion_by_day", [":since": ""])
        XCTAssertEqual(days.map { $0["day"] as! String }, daily.map { $0["day"] as! String })
        XCTAssertEqual(days.map { Int($0["completed"] as! String)! }, daily.map { $0["completed"] as! Int })
        XCTAssertEqual(days.map { Int($0["final"] as! String)! }, daily.map { $0["final"] as! Int })
        XCTAssertEqual(try rows("completion_by_day", [":since": daily.last!["day"] as! String]).count, 1, "since the last day")
        let attempts = try XCTUnwrap((try json(["report", "attempts"], db) as? [String: Any])?["by_attempts"] as? [[String: Any]])
        XCTAssertEqual(
            try rows("completion_by_attempts").map { "\($0["attempts"]!) \($0["final"]!) \($0["completed"]!) \($0["exhausted"]!)" },
            attempts.map { "\($0["attempts"]!) \($0["final"]!) \($0["completed"]!) \($0["exhausted"]!)" })
        let buckets = try XCTUnwrap((try json(["report", "durations"], db) as? [String: Any])?["buckets"] as? [[String: Any]])
        XCTAssertEqual(
            try rows("durations").map { "\($0["from_seconds"]!) \($0["calls"]!)" },
            buckets.filter { ($0["calls"] as? Int ?? 0) > 0 }.map { "\($0["from"]!) \($0["calls"]!)" })
        XCTAssertEqual(try rows("call_timeline", [":call_id": "call-0000001"]).first?["event"] as? String, "queued")
        XCTAssertEqual(try rows("recent_runs").count, 1)
        // Datasette gives every parameter of a canned query, empty when not filled in.
        func byLabel(_ name: String, value: String = "", since: String = "", until: String = "") throws -> [[String: Any]] {
            try rows("completion_by_label", [":name": name, ":value": value, ":since": since, ":until": until])
        }
        XCTAssertEqual(try byLabel("campaign").count, 0, "no labels in this archive yet")
        // A label's name and value match in any case; since and until bound the calls by queued time.
        let labelled = try Harness.callhist(
            ["label", "call-0000001", "call-0000002", "--add", "campaign=Spring", "--db", db], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(labelled.status, 0, labelled.stderr)
        let spring = try byLabel(" Campaign", value: "spring")
        XCTAssertEqual(spring.map { $0["value"] as? String }, ["Spring"])
        XCTAssertEqual(spring.first?["calls"] as? String, "2")
        XCTAssertEqual(try byLabel("campaign", value: "autumn").count, 0)
        let queued = try XCTUnwrap(
            try connection.scalarInt("SELECT max(queued_timestamp) FROM calls WHERE call_id IN ('call-0000001', 'call-0000002')"))
        let after = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(queued + 1)))
        XCTAssertEqual(try byLabel("campaign", since: after).count, 0, "both queued before since")
        XCTAssertEqual(try byLabel("campaign", until: after).first?["calls"] as? String, "2")
        XCTAssertEqual(try rows("pending_calls").count, summary["pending"] as? Int)

        // Datasette loads the archive with this metadata and serves it all.
        let python = Self.repo.appendingPathComponent(".build/datasette/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            return XCTFail("Datasette is not installed in .build/datasette: run scripts/test.sh")
        }
        let check = try Harness.run(python, [Self.repo.appendingPathComponent("scripts/lib/datasette-check.py").path, db, path])
        XCTAssertEqual(check.status, 0, check.stderr)
        let served = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(served["database"] as? String, "calls")
        let pages = try XCTUnwrap(served["pages"] as? [String: Int])
        let described = try XCTUnwrap(served["described"] as? [String: Bool])
        XCTAssertEqual(Set(pages.keys), Set(schema))
        XCTAssertEqual(pages.filter { $0.value != 200 }, [:], "every table and view page")
        XCTAssertEqual(described.filter { !$0.value }.map(\.key), [], "every description shown")
        XCTAssertEqual((served["queries"] as? [String: Int])?.filter { $0.value != 200 }, [:], "every canned query")
        XCTAssertEqual((served["rows"] as? [String: Int])?["status_mix"], byStatus.count)
    }

    func testFiltersDoNotApply() throws {
        let db = dir.path("e.sqlite")
        XCTAssertEqual(try Harness.callhist(["migrate", "--db", db], env: Harness.environment(baseURL: nil)).status, 0)
        let r = try Harness.callhist(["export", "datasette-metadata", "--db", db, "--since", "7d"], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("describes the whole archive"), r.stderr)
        let out = try Harness.callhist(["export", "datasette-metadata", "--db", db], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(out.status, 0)
        XCTAssertTrue(out.stdout.hasPrefix(#"{"title":"Call history","#), out.stdout)
    }
}
