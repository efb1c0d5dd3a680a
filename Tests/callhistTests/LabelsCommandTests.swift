import Foundation
import SQLite
import XCTest

/// Labels end to end: an ids CSV's columns become labels, `report labels`
/// gives the figures computed by hand from the archived calls, `--label`
/// narrows every report, export and import carry them, a later file adds
/// and only `callhist label` removes.
final class LabelsCommandTests: XCTestCase {
    var dir: TemporaryDirectory!
    var mock: MockProcess?
    let env = Harness.environment(baseURL: nil)

    override func setUp() async throws { dir = try TemporaryDirectory() }
    override func tearDown() async throws { mock = nil }

    /// Campaign of call number i: spring for two in three, summer else; clinic A for odd numbers, none for even.
    func campaign(_ i: Int) -> String { i % 3 == 0 ? "summer" : "spring" }

    /// 300 mock calls archived from a CSV `Call ID,Campaign,Clinic`.
    func archive() throws -> String {
        let mock = try MockProcess(["--calls", "300", "--days", "10", "--seed", "5"])
        self.mock = mock
        let rows = (1...300).map { i in String(format: "call-%07d", i) + ",\(campaign(i)),\(i % 2 == 1 ? "A" : "")" }
        let csv = try dir.write("ids.csv", "Call ID,Campaign,Clinic\n" + rows.joined(separator: "\n") + "\n")
        let db = dir.path("l.sqlite")
        let r = try Harness.callhist(["archive", "--db", db, "--ids", csv, "--progress", "never"], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("450 labels set") || r.stdout.contains("450 labels set"), r.stdout + r.stderr)
        return db
    }

    func json(_ args: [String], _ db: String) throws -> Any {
        let r = try Harness.callhist(args + ["--db", db, "--format", "json", "--utc"], env: env)
        XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
    }

    func labels(_ db: String) throws -> [String] {
        try Connection(path: db, mode: .readOnly).prepare("SELECT call_id || ' ' || name || '=' || value FROM call_labels ORDER BY 1").map {
            $0.string(0)
        }
    }

    func testCSVColumnsAreLabelsAndReportLabelsMatchesTheCallsByHand() throws {
        let db = try archive()
        let stored = try labels(db)
        XCTAssertEqual(stored.count, 450)
        XCTAssertTrue(stored.contains("call-0000001 clinic=A"))
        XCTAssertTrue(stored.contains("call-0000003 campaign=summer"))
        XCTAssertFalse(stored.contains { $0.hasPrefix("call-0000002 clinic") }, "an empty cell is no label")

        // By hand, from the archived calls and the CSV's campaigns.
        struct Truth {
            var calls = 0, final = 0, completed = 0, first = 0, pending = 0, attempts = 0, attemptCalls = 0
            var durations: [Int] = []
        }
        var truth: [String: Truth] = [:]
        try Connection(path: db, mode: .readOnly).prepare("SELECT call_id, status, attempts, coalesce(duration, event_duration) FROM calls")
            .forEachRow { r in
                let i = Int(r.string(0).dropFirst(5))!
                var t = truth[campaign(i)] ?? Truth()
                let status = r.string(1)
                t.calls += 1
                if ["completed", "failed", "canceled", "rejected"].contains(status) {
                    t.final += 1
                    if let a = r.optionalInt(2) {
                        t.attempts += a
                        t.attemptCalls += 1
                    }
                    if status == "completed" {
                        t.completed += 1
                        if r.optionalInt(2) == 1 { t.first += 1 }
                        if let d = r.optionalInt(3) { t.durations.append(d) }
                    }
                } else {
                    t.pending += 1
                }
                truth[campaign(i)] = t
            }
        func rank(_ sorted: [Int], _ p: Int) -> Int { sorted[(p * sorted.count + 99) / 100 - 1] }
        let rows = try XCTUnwrap(try json(["report", "labels", "Campaign"], db) as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["campaign"] as? String }, ["spring", "summer"])
        for row in rows {
            let t = try XCTUnwrap(truth[row["campaign"] as! String])
            XCTAssertEqual(row["calls"] as? Int, t.calls)
            XCTAssertEqual(row["final"] as? Int, t.final)
            XCTAssertEqual(row["completed"] as? Int, t.completed)
            XCTAssertEqual(row["pending"] as? Int, t.pending)
            XCTAssertEqual(row["completion_rate"] as? Double ?? -1, Double(t.completed) / Double(t.final), accuracy: 1e-12)
            XCTAssertEqual(row["first_attempt_completion_rate"] as? Double ?? -1, Double(t.first) / Double(t.final), accuracy: 1e-12)
            XCTAssertEqual(row["mean_attempts"] as? Double ?? -1, Double(t.attempts) / Double(t.attemptCalls), accuracy: 1e-12)
            let sorted = t.durations.sorted()
            XCTAssertEqual(row["duration_p50"] as? Int, rank(sorted, 50))
            XCTAssertEqual(row["duration_p90"] as? Int, rank(sorted, 90))
        }

        // --label narrows every report, the export and the page to spring's calls.
        let spring = try XCTUnwrap(truth["spring"])
        let only = ["--label", "campaign=spring"]
        XCTAssertEqual((try json(["report", "summary"] + only, db) as? [String: Any])?["calls"] as? Int, spring.calls)
        XCTAssertEqual((try json(["report", "daily"] + only, db) as? [[String: Any]])?.reduce(0) { $0 + ($1["calls"] as? Int ?? 0) }, spring.calls)
        let attempts = try XCTUnwrap((try json(["report", "attempts"] + only, db) as? [String: Any])?["by_attempts"] as? [[String: Any]])
        XCTAssertEqual(attempts.reduce(0) { $0 + ($1["final"] as? Int ?? 0) }, spring.final)
        XCTAssertEqual((try json(["report", "durations"] + only, db) as? [String: Any])?["count"] as? Int, spring.durations.count)
        XCTAssertEqual((try json(["report", "pending", "--limit", "0"] + only, db) as? [String: Any])?["pending"] as? Int, spring.pending)
        let both = try XCTUnwrap(try json(["report", "summary", "--label", "campaign=spring", "--label", "clinic=A"], db) as? [String: Any])
        XCTAssertEqual(both["calls"] as? Int, (1...300).filter { campaign($0) == "spring" && $0 % 2 == 1 }.count, "every label must match")
        let exported = try Harness.callhist(["export", "calls", "--db", db, "--format", "ndjson"] + only, env: env)
        XCTAssertEqual(exported.stdout.split(separator: "\n").count, spring.calls)
        let page = try Harness.callhist(["report", "html", "--db", db, "--output", "-"] + only, env: env)
        XCTAssertTrue(page.stdout.contains("data-metric=\"calls\" data-value=\"\(spring.calls)\""))
        XCTAssertEqual(try Harness.callhist(["report", "anomalies", "--db", db] + only, env: env).status, 0)

        // One series per value.
        let series = try XCTUnwrap(try json(["report", "daily", "--label-column", "campaign"], db) as? [[String: Any]])
        XCTAssertEqual(Set(series.compactMap { $0["campaign"] as? String }), ["spring", "summer"])
        XCTAssertEqual(series.filter { $0["campaign"] as? String == "summer" }.reduce(0) { $0 + ($1["calls"] as? Int ?? 0) }, truth["summer"]!.calls)
        // The view for other tools.
        XCTAssertEqual(
            try Connection(path: db, mode: .readOnly).scalarString("SELECT labels FROM calls_with_labels WHERE call_id = 'call-0000003'"),
            #"{"campaign":"summer","clinic":"A"}"#)
    }

    /// A campaign sheet re-sent with a clinic corrected: the call holds the
    /// new value only, and `report labels clinic` counts it once, in the right row.
    func testACorrectedSheetLeavesOneValueAndTheReportCountsItOnce() throws {
        let mock = try MockProcess(["--calls", "10"])
        self.mock = mock
        let db = dir.path("c.sqlite")
        let first = try dir.write("monday.csv", "call_id,Clinic\ncall-0000001,A\ncall-0000002,A\ncall-0000003,B\n")
        let corrected = try dir.write("tuesday.csv", "call_id,Clinic\ncall-0000001,B\ncall-0000002,A\n")
        for file in [first, corrected] {
            let r = try Harness.callhist(
                ["archive", "--db", db, "--ids", file, "--progress", "never"], env: Harness.environment(baseURL: mock.baseURL))
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        XCTAssertEqual(try labels(db), ["call-0000001 clinic=B", "call-0000002 clinic=A", "call-0000003 clinic=B"])
        let rows = try XCTUnwrap(try json(["report", "labels", "clinic"], db) as? [[String: Any]])
        XCTAssertEqual(rows.map { "\($0["clinic"] ?? "?")=\($0["calls"] ?? "?")" }, ["A=1", "B=2"])
        // --label on the command line sets the name the same way.
        let relabel = try Harness.callhist(
            ["archive", "--db", db, "--no-refresh", "--label", "clinic=C", "call-0000003", "--progress", "never"],
            env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(relabel.status, 0, relabel.stderr)
        XCTAssertTrue(relabel.stderr.contains("; 1 labels set"), relabel.stderr)
        XCTAssertEqual(try labels(db), ["call-0000001 clinic=B", "call-0000002 clinic=A", "call-0000003 clinic=C"])
    }

    func testALaterFileAddsLabelsOnlyLabelRemovesAndExportImportKeepsThem() throws {
        let db = try archive()
        let before = try labels(db)
        // A second file: a new column for some ids, and another campaign for one.
        let second = try dir.write("more.csv", "call_id,list\ncall-0000001,vip\ncall-0000002,vip\n")
        let again = try Harness.callhist(
            [
                "archive", "--db", db, "--ids", second, "--no-refresh", "--label", "Campaign=autumn",
                "--progress", "never",
            ], env: Harness.environment(baseURL: mock!.baseURL))
        XCTAssertEqual(again.status, 0, again.stderr)
        let after = try labels(db)
        XCTAssertEqual(
            Set(after).subtracting(before),
            [
                "call-0000001 list=vip", "call-0000002 list=vip",
                "call-0000001 campaign=autumn", "call-0000002 campaign=autumn",
            ])
        // One value per name: the later sheet's campaign replaced theirs; nothing else went.
        let replaced = Set(before.filter { $0.hasPrefix("call-0000001 campaign=") || $0.hasPrefix("call-0000002 campaign=") })
        XCTAssertEqual(replaced.count, 2)
        XCTAssertEqual(Set(before).subtracting(after), replaced)
        XCTAssertEqual(
            try Connection(path: db, mode: .readOnly).scalarString("SELECT labels FROM calls_with_labels WHERE call_id = 'call-0000001'"),
            #"{"campaign":"autumn","clinic":"A","list":"vip"}"#)
        // From stdin too (read once: its labels are written as it is read).
        let piped = try Harness.callhist(
            ["archive", "--db", db, "--ids", "-", "--no-refresh", "--progress", "never"],
            env: Harness.environment(baseURL: mock!.baseURL), stdin: "call_id,Batch\ncall-0000005,b7\n")
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertTrue(try labels(db).contains("call-0000005 batch=b7"))
        XCTAssertEqual(try Harness.callhist(["label", "call-0000005", "--remove", "batch", "--db", db], env: env).status, 0)

        // Round trip: export, import into a new archive, the same labels.
        let ndjson = dir.path("calls.ndjson")
        XCTAssertEqual(try Harness.callhist(["export", "calls", "--db", db, "--format", "ndjson", "--output", ndjson], env: env).status, 0)
        let copy = dir.path("copy.sqlite")
        let imported = try Harness.callhist(["import", "--db", copy, ndjson], env: env)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertEqual(try labels(copy), try labels(db))
        // CSV: a column per label name, and import reads it back.
        let csvFile = dir.path("labels.csv")
        XCTAssertEqual(try Harness.callhist(["export", "calls", "--db", db, "--format", "csv", "--output", csvFile], env: env).status, 0)
        let csv = try String(contentsOfFile: csvFile, encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("call_id,"))
        let header = csv.components(separatedBy: "\r\n")[0].components(separatedBy: ",")
        XCTAssertEqual(header.filter { $0.hasPrefix("label") }, ["label_campaign", "label_clinic", "label_list"])
        XCTAssertTrue(csv.contains(",autumn,A,vip\r\n"), "each value in its column: \(csv)")
        let fromCSV = dir.path("from-csv.sqlite")
        XCTAssertEqual(try Harness.callhist(["import", "--db", fromCSV, csvFile], env: env).status, 0)
        XCTAssertEqual(try labels(fromCSV), try labels(db))

        // Only `callhist label` removes; an unknown id changes nothing.
        let removed = try Harness.callhist(
            ["label", "call-0000001", "call-0000002", "--remove", "campaign=autumn", "--remove", "list", "--db", db], env: env)
        XCTAssertEqual(removed.status, 0, removed.stderr)
        XCTAssertEqual(
            removed.stdout,
            "2 calls: 0 labels added, 0 replaced, 4 removed\n  campaign (calls before → after): autumn 2 → 0, "
                + "spring \(before.filter { $0.hasSuffix("campaign=spring") }.count - 2) → \(before.filter { $0.hasSuffix("campaign=spring") }.count - 2), "
                + "summer \(before.filter { $0.hasSuffix("campaign=summer") }.count) → \(before.filter { $0.hasSuffix("campaign=summer") }.count)\n"
                + "  list (calls before → after): vip 2 → 0\n")
        let kept = before.filter { !replaced.contains($0) }
        XCTAssertEqual(try labels(db), kept)
        let unknown = try Harness.callhist(["label", "call-0000001", "nope-1", "--add", "x=y", "--db", db], env: env)
        XCTAssertEqual(unknown.status, 65)
        XCTAssertTrue(unknown.stderr.contains("nope-1"), unknown.stderr)
        XCTAssertEqual(try labels(db), kept)
        XCTAssertEqual(
            try Harness.callhist(["label", "call-0000002", "--add", "Tier=Gold", "--db", db], env: env).stdout,
            "1 calls: 1 labels added, 0 replaced, 0 removed\n  tier (calls before → after): Gold 0 → 1\n"
        )
        // A label named like a measure keeps every JSON key once.
        XCTAssertEqual(try Harness.callhist(["label", "call-0000002", "--add", "calls=x", "--db", db], env: env).status, 0)
        let named = try Harness.callhist(["report", "labels", "calls", "--db", db, "--format", "json"], env: env).stdout
        XCTAssertTrue(named.hasPrefix(#"[{"label_calls":"x","calls":1,"#), named)
    }

    func testBadLabelsAreRefusedAndNothingIsWritten() throws {
        let db = dir.path("b.sqlite")
        XCTAssertEqual(try Harness.callhist(["report", "summary", "--db", db, "--label", "campaign"], env: env).status, 64)
        XCTAssertEqual(try Harness.callhist(["report", "summary", "--db", db, "--label", "=x"], env: env).status, 64)
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db, "--label", "a=b"], env: env).status, 64, "--label needs ids")
        let long = String(repeating: "x", count: 1025)
        let file = try dir.write("long.csv", "call_id,note\nc-1,ok\nc-2,\(long)\n")
        let mock = try MockProcess(["--calls", "5"])
        self.mock = mock
        let r = try Harness.callhist(["archive", "--db", db, "--ids", file], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("long.csv:3"), r.stderr)
        XCTAssertTrue(r.stderr.contains("longer than 1024 bytes"), r.stderr)
        XCTAssertEqual(try mock.answered(), 0, "nothing fetched")
        XCTAssertEqual(try Connection(path: db, mode: .readOnly).scalarInt("SELECT count(*) FROM call_labels"), 0, "nothing written")
    }
}
