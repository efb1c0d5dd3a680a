import Foundation
import XCTest

/// `callhist report html` in a real browser: Debian's Chromium, headless,
/// with every network path closed, renders the page to a PNG (which must not
/// be blank) and dumps its DOM (which must hold the figures of
/// `report summary --format json` and one SVG per chart). Also the bars of
/// the terminal reports, through a pseudo-terminal.
final class HTMLReportTests: XCTestCase {
    var dir: TemporaryDirectory!
    var mock: MockProcess?

    override func setUp() async throws { dir = try TemporaryDirectory() }
    override func tearDown() async throws { mock = nil }

    static let charts = ["chart-daily", "chart-hours", "chart-durations", "chart-attempts", "chart-status", "chart-pending", "chart-runs"]

    /// Run in a copy of the page (the page itself has no script and a policy
    /// that forbids one): every pair of text boxes in each chart that
    /// overlap, and every text that leaves its chart, as a JSON list.
    static let overlapProbe = """
        <script>
        const found = [];
        for (const svg of document.querySelectorAll('svg')) {
          const frame = svg.getBoundingClientRect();
          const boxes = [...svg.querySelectorAll('text')].map(t => ({ text: t.textContent, r: t.getBoundingClientRect() })).filter(b => b.r.width > 0);
          for (let i = 0; i < boxes.length; i++) {
            const a = boxes[i].r;
            if (a.left < frame.left - 0.5 || a.right > frame.right + 0.5 || a.top < frame.top - 0.5 || a.bottom > frame.bottom + 0.5) {
              found.push(svg.id + ': ' + boxes[i].text + ' leaves the chart');
            }
            for (let j = i + 1; j < boxes.length; j++) {
              const b = boxes[j].r;
              if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) {
                found.push(svg.id + ': ' + boxes[i].text + ' / ' + boxes[j].text);
              }
            }
          }
        }
        const pre = document.createElement('pre');
        pre.id = 'overlaps';
        pre.textContent = JSON.stringify(found);
        document.body.appendChild(pre);
        </script>
        """
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Chromium, headless, offline: a proxy on a closed port and a resolver
    /// that finds no host, so any fetch the page tried would fail.
    func chromium(_ args: [String]) throws -> Harness.Result {
        try Harness.run(
            "/usr/bin/chromium",
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--no-first-run", "--user-data-dir=\(dir.path("chromium-profile"))",
                "--proxy-server=http://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
            ] + args, timeout: 90)
    }

    /// Writes the page, loads it in the browser, and checks what every page
    /// must have; returns the DOM as the browser built it.
    func renderAndCheck(
        _ db: String, _ extra: [String] = [], zone: [String] = ["--utc"], labelCharts: [String] = [], file: StaticString = #filePath,
        line: UInt = #line
    ) throws -> String {
        let html = dir.path("report-\(UUID().uuidString).html")
        let written = try Harness.callhist(["report", "html", "--db", db, "--output", html] + zone + extra, env: Harness.environment(baseURL: nil))
        XCTAssertEqual(written.status, 0, written.stderr, file: file, line: line)
        let source = try String(contentsOfFile: html, encoding: .utf8)
        // Nothing to fetch: no address but the SVG namespace, and a policy that forbids loading anything.
        let addresses = source.components(separatedBy: "://").dropFirst().filter { !$0.hasPrefix("www.w3.org/2000/svg") }
        XCTAssertEqual(addresses.count, 0, "the page names an address: \(addresses.prefix(2))", file: file, line: line)
        XCTAssertTrue(source.contains("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""), file: file, line: line)
        XCTAssertFalse(source.contains("<script"), "no script at all", file: file, line: line)

        let png = dir.path("shot-\(UUID().uuidString).png")
        let shot = try chromium(["--window-size=1000,4200", "--screenshot=\(png)", URL(fileURLWithPath: html).absoluteString])
        XCTAssertTrue(FileManager.default.fileExists(atPath: png), "no screenshot: \(shot.stderr.suffix(500))", file: file, line: line)
        let dom = try chromium(["--dump-dom", URL(fileURLWithPath: html).absoluteString])
        XCTAssertEqual(dom.status, 0, dom.stderr.suffix(500).description, file: file, line: line)
        let charts = Self.charts + labelCharts
        for id in charts {
            XCTAssertEqual(
                dom.stdout.components(separatedBy: "<svg ").filter { $0.contains("id=\"\(id)\"") }.count, 1, "one SVG \(id)", file: file, line: line)
        }
        XCTAssertEqual(dom.stdout.components(separatedBy: "<svg ").count - 1, charts.count, file: file, line: line)
        XCTAssertEqual(
            dom.stdout.components(separatedBy: "<summary>The numbers behind this chart</summary><table>").count - 1, charts.count,
            "a table behind every chart", file: file, line: line)
        // No label, tick or legend text of any chart overlaps another or leaves its chart.
        let probe = dir.path("probe-\(UUID().uuidString).html")
        let policy = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        try source.replacingOccurrences(of: policy, with: "").replacingOccurrences(of: "</body>", with: Self.overlapProbe + "</body>")
            .write(toFile: probe, atomically: true, encoding: .utf8)
        let probed = try chromium(["--window-size=1000,4200", "--dump-dom", URL(fileURLWithPath: probe).absoluteString])
        let overlaps = probed.stdout.components(separatedBy: "<pre id=\"overlaps\">").dropFirst().first?.components(separatedBy: "</pre>").first
        XCTAssertEqual(overlaps, "[]", "text boxes that collide", file: file, line: line)
        lastPNG = png
        return dom.stdout
    }

    var lastPNG = ""

    /// The PNG's distinct colours and the pixels of each named colour.
    func colours(_ png: String, _ named: [String]) throws -> (distinct: Int, pixels: [String: Int]) {
        let r = try Harness.run("/usr/bin/python3", [Self.repo.appendingPathComponent("scripts/lib/png-colours.py").path, png] + named)
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return (json["colours"] as? Int ?? 0, json["pixels"] as? [String: Int] ?? [:])
    }

    /// The value of `data-metric="NAME"` in the DOM.
    func metric(_ dom: String, _ name: String) -> String? {
        guard let range = dom.range(of: "data-metric=\"\(name)\" data-value=\"") else { return nil }
        return String(dom[range.upperBound...].prefix { $0 != "\"" })
    }

    func testANinetyDayArchiveIsDrawnWithTheFiguresOfTheJSONReports() throws {
        let epoch: Int64 = 1_795_000_000
        let mock = try MockProcess(["--calls", "3000", "--days", "90", "--now", String(epoch), "--seed", "2"])
        self.mock = mock
        let ids = try dir.write("ids.txt", (1...3000).map { String(format: "call-%07d", $0) }.joined(separator: "\n") + "\n")
        let db = dir.path("m.sqlite")
        XCTAssertEqual(
            try Harness.callhist(["archive", "--db", db, "--ids", ids, "--concurrency", "16"], env: Harness.environment(baseURL: mock.baseURL))
                .status, 0)
        let period = ["--since", "@\(epoch - 91 * 86_400)", "--until", "@\(epoch)"]
        let dom = try renderAndCheck(db, period)

        let summary = try Harness.callhist(
            ["report", "summary", "--db", db, "--format", "json", "--utc"] + period, env: Harness.environment(baseURL: nil))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any])
        let duration = try XCTUnwrap(json["duration"] as? [String: Any])
        let attempts = try XCTUnwrap(json["attempts"] as? [String: Any])
        XCTAssertGreaterThan(json["calls"] as? Int ?? 0, 2000)
        XCTAssertEqual(metric(dom, "calls"), "\(json["calls"]!)")
        XCTAssertEqual(metric(dom, "pending"), "\(json["pending"]!)")
        XCTAssertEqual(metric(dom, "duration.p50"), "\(duration["p50"]!)")
        XCTAssertEqual(metric(dom, "duration.p90"), "\(duration["p90"]!)")
        XCTAssertEqual(metric(dom, "attempts.exhausted"), "\(attempts["exhausted"]!)")
        // Rates as the JSON writes them, digit for digit.
        let rate = try XCTUnwrap(summary.stdout.range(of: #""completion_rate":"#)).upperBound
        XCTAssertEqual(metric(dom, "completion_rate"), String(summary.stdout[rate...].prefix { $0 != "," && $0 != "}" }))
        let first = try XCTUnwrap(summary.stdout.range(of: #""first_attempt_completion_rate":"#)).upperBound
        XCTAssertEqual(metric(dom, "attempts.first_attempt_completion_rate"), String(summary.stdout[first...].prefix { $0 != "," && $0 != "}" }))
        // The people's figure too: the completion rate as a percentage.
        let percent = String(format: "%.1f%%", (json["completion_rate"] as? Double ?? 0) * 100)
        XCTAssertTrue(dom.contains("<div class=\"value\">\(percent)</div>"), percent)

        // Drawn, not blank: many colours, and the outcomes' own colours in quantity.
        let seen = try colours(lastPNG, ["#009E73", "#D55E00", "#56B4E9", "#0072B2"])
        XCTAssertGreaterThan(seen.distinct, 50)
        XCTAssertGreaterThan(seen.pixels["#009E73"] ?? 0, 5000, "completed bars")
        XCTAssertGreaterThan(seen.pixels["#D55E00"] ?? 0, 1000, "failed bars")
        XCTAssertGreaterThan(seen.pixels["#0072B2"] ?? 0, 100, "the completion-rate line")
        // 91 days, each with its row in the table behind the chart.
        XCTAssertGreaterThanOrEqual(dom.components(separatedBy: "<td class=\"n\">2026-").count - 1, 90)
    }

    /// The analyst's page over a labelled archive whose last calls are
    /// queued ahead: whole days from the first, no bar after today, the
    /// hours heatmap, a section per label (30 clinics: the 25 most called),
    /// and no text box that collides with another.
    func testTheAnalystsSectionsLabelsHoursAndWholeDays() throws {
        let mock = try MockProcess(["--calls", "3000", "--days", "30", "--seed", "5"])
        self.mock = mock
        let rows = (1...3000).map { i in String(format: "call-%07d,%@,clinic-%02d", i, ["spring", "summer", "autumn"][i % 3], i % 30 + 1) }
        let ids = try dir.write("ids.csv", (["call_id,campaign,clinic"] + rows).joined(separator: "\n") + "\n")
        let db = dir.path("l.sqlite")
        XCTAssertEqual(
            try Harness.callhist(["archive", "--db", db, "--ids", ids, "--concurrency", "16"], env: Harness.environment(baseURL: mock.baseURL))
                .status, 0)
        let dom = try renderAndCheck(db, ["--since", "7d"], labelCharts: ["chart-label-campaign", "chart-label-clinic"])
        func section(_ id: String) -> String {
            dom.components(separatedBy: "<section id=\"\(id)\">").dropFirst().first?.components(separatedBy: "</section>").first ?? ""
        }
        // Days: eight rows (a week back from now, its first day whole), none after today.
        let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        let days = section("daily").components(separatedBy: "<tr><td class=\"n\">").dropFirst().map { String($0.prefix(10)) }
        XCTAssertEqual(days.count, 8, "\(days)")
        XCTAssertEqual(days.last, today, "the mock queues calls up to a day ahead: no bar for them")
        XCTAssertTrue(days.allSatisfy { $0 <= today })
        XCTAssertTrue(section("daily").contains("Whole days"))
        // The heatmap: 168 cells at most, each with its tooltip.
        XCTAssertTrue(section("hours").contains("<svg "))
        XCTAssertGreaterThan(section("hours").components(separatedBy: "final calls</title></rect>").count - 1, 50)
        XCTAssertEqual(section("hours").components(separatedBy: "<tr>").count - 2, 24, "a row per hour of day")
        // Labels: every campaign; the 25 clinics with the most calls of 30.
        XCTAssertEqual(section("label-campaign").components(separatedBy: "<tr>").count - 2, 3)
        XCTAssertEqual(section("label-clinic").components(separatedBy: "<tr>").count - 2, 25)
        XCTAssertTrue(section("label-clinic").contains("The 25 values with the most calls of 30"))
        XCTAssertEqual(section("label-clinic").components(separatedBy: "</title></circle>").count - 1, 25, "a dot per value")
        // The runs chart closes the page, under Archive health.
        let health = try XCTUnwrap(dom.range(of: "<h2>Archive health</h2>"))
        XCTAssertGreaterThan(try XCTUnwrap(dom.range(of: "id=\"chart-runs\"")).lowerBound, health.lowerBound)
        XCTAssertGreaterThan(health.lowerBound, try XCTUnwrap(dom.range(of: "id=\"chart-pending\"")).lowerBound)
        // Hours by the hour over a week: long labels, thinned, never colliding (checked in renderAndCheck).
        _ = try renderAndCheck(
            db, ["--since", "7d", "--by", "hour"], zone: ["--tz", "America/New_York"], labelCharts: ["chart-label-campaign", "chart-label-clinic"])
    }

    func testAnEmptyArchiveAndOneCallRender() throws {
        let db = dir.path("e.sqlite")
        XCTAssertEqual(try Harness.callhist(["migrate", "--db", db], env: Harness.environment(baseURL: nil)).status, 0)
        let empty = try renderAndCheck(db)
        XCTAssertEqual(metric(empty, "calls"), "0")
        XCTAssertEqual(metric(empty, "completion_rate"), "null")
        XCTAssertTrue(empty.contains("No data in this period"))
        XCTAssertGreaterThan(try colours(lastPNG, []).distinct, 10, "headings and axes are drawn")

        let queued = Int64(Date().timeIntervalSince1970) - 7200
        let one = try dir.write(
            "one.ndjson",
            #"{"call_id":"only-1","call_details":{"status":"completed","attempts":"1","max_attempts":"2","queued_timestamp":"\#(queued)","duration":"42","events":[{"event":"queued","timestamp":\#(queued)},{"event":"connected","timestamp":\#(queued + 5)},{"event":"disconnected","timestamp":\#(queued + 47)}]}}"#
                + "\n")
        XCTAssertEqual(try Harness.callhist(["import", "--db", db, one], env: Harness.environment(baseURL: nil)).status, 0)
        let dom = try renderAndCheck(db)
        XCTAssertEqual(metric(dom, "calls"), "1")
        XCTAssertEqual(metric(dom, "completion_rate"), "1")
        XCTAssertEqual(metric(dom, "duration.p50"), "42")
        XCTAssertTrue(dom.contains("<div class=\"value\">42s</div>"))
    }

    func testDataFromOutsideIsEscaped() throws {
        let db = dir.path("x.sqlite")
        let q = Int64(Date().timeIntervalSince1970) - 7200
        // An id, a status and an event name that are markup; the events out
        // of order and too many attempts, so they reach the anomalies too.
        let line =
            #"{"call_id":"<script>x\"'","call_details":{"status":"<script>alert('s')</script>","attempts":"4","max_attempts":"3","queued_timestamp":"\#(q)","events":[{"event":"queued","timestamp":\#(q + 50)},{"event":"<img src=x onerror=alert(1)>","timestamp":\#(q)}]}}"#
        XCTAssertEqual(
            try Harness.callhist(["import", "--db", db, try dir.write("x.ndjson", line + "\n")], env: Harness.environment(baseURL: nil)).status, 0)
        let html = dir.path("x.html")
        XCTAssertEqual(try Harness.callhist(["report", "html", "--db", db, "--output", html], env: Harness.environment(baseURL: nil)).status, 0)
        let source = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertFalse(source.contains("<script"))
        XCTAssertFalse(source.contains("<img"))
        XCTAssertTrue(source.contains("&lt;script&gt;x&quot;&#39;"), "the id, escaped")
        XCTAssertTrue(source.contains("&lt;script&gt;alert(&#39;s&#39;)&lt;/script&gt;"), "the status, escaped")
        XCTAssertTrue(source.contains("(&lt;img src=x onerror=alert(1)&gt;)"), "the event name, escaped")
        let dom = try renderAndCheck(db)
        XCTAssertFalse(dom.contains("<img"), "the browser made no element of it")
        XCTAssertTrue(dom.contains("&lt;script&gt;alert('s')&lt;/script&gt;"), "shown as text")
    }

    // MARK: Bars in the terminal

    func testBarsOnATerminalFillItsWidthAndNeverWhenPiped() throws {
        let db = dir.path("b.sqlite")
        let q = Int64(Date().timeIntervalSince1970) - 86_400
        // Three completed at the first attempt (a full bar in `attempts`), one failed at the second.
        let lines = (1...4).map { i in
            #"{"call_id":"b-\#(i)","call_details":{"status":"\#(i <= 3 ? "completed" : "failed")","attempts":"\#(i <= 3 ? 1 : 2)","max_attempts":"2","queued_timestamp":"\#(q)","duration":"\#(i * 40)","events":[]}}"#
        }
        XCTAssertEqual(
            try Harness.callhist(
                ["import", "--db", db, try dir.write("b.ndjson", lines.joined(separator: "\n") + "\n")], env: Harness.environment(baseURL: nil)
            ).status, 0)
        let blocks = CharacterSet(charactersIn: "█▏▎▍▌▋▊▉")
        let bin = Harness.binDirectory.appendingPathComponent("callhist").path
        for report in ["daily", "attempts", "durations"] {
            for columns in [100, 140] {
                // `script` gives the report a terminal; it reports no size, so COLUMNS counts.
                let r = try Harness.run("/usr/bin/script", ["-qec", "COLUMNS=\(columns) \(bin) report \(report) --db \(db) --utc", "/dev/null"])
                XCTAssertEqual(r.status, 0, r.stderr)
                let text = r.stdout.replacingOccurrences(of: "\r", with: "")
                let barred = text.components(separatedBy: "\n").filter { $0.unicodeScalars.contains { blocks.contains($0) } }
                XCTAssertFalse(barred.isEmpty, "\(report) on a terminal has bars:\n\(text)")
                XCTAssertLessThanOrEqual(barred.map(\.count).max() ?? 0, columns, "\(report) fits \(columns) columns:\n\(text)")
                // The full bar (100% at the first attempt) reaches the edge.
                if report == "attempts" {
                    XCTAssertGreaterThanOrEqual(barred.map(\.count).max() ?? 0, columns - 1, "\(report) bars fill the width:\n\(text)")
                }
            }
            let noChart = try Harness.run(
                "/usr/bin/script", ["-qec", "COLUMNS=100 \(bin) report \(report) --db \(db) --utc --no-chart", "/dev/null"])
            XCTAssertFalse(noChart.stdout.unicodeScalars.contains { blocks.contains($0) }, "--no-chart")
            let piped = try Harness.callhist(
                ["report", report, "--db", db, "--utc"], env: Harness.environment(baseURL: nil, extra: ["COLUMNS": "100"]))
            XCTAssertFalse(piped.stdout.unicodeScalars.contains { blocks.contains($0) }, "\(report) piped has no bars")
            for format in ["csv", "json", "markdown"] {
                let t = try Harness.run("/usr/bin/script", ["-qec", "\(bin) report \(report) --db \(db) --utc --format \(format)", "/dev/null"])
                XCTAssertFalse(t.stdout.unicodeScalars.contains { blocks.contains($0) }, "\(report) --format \(format) on a terminal has no bars")
            }
        }
    }
}
