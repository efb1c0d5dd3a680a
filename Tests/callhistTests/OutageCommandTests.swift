import Foundation
import FuseMock
import SQLite
import Synchronization
import XCTest

/// The circuit breaker through the built binary (docs/reliability.md, "API
/// outages"): an API that dies part-way, one that answers 503 to
/// everything, a dead port, and a blip the run rides out.
final class OutageCommandTests: XCTestCase {
    var scratch: TemporaryDirectory!
    override func setUp() async throws { scratch = try TemporaryDirectory() }

    /// A simulator in this process whose health the test switches: healthy,
    /// answering 503 to everything, or (`dies(after:)`) healthy for the first
    /// N requests only. Counts every request.
    final class SwitchableAPI: Sendable {
        enum Health: Sendable {
            case healthy, failing
            case healthyFor(Int)
            case downUntil(ContinuousClock.Instant)
        }
        let simulator: FuseSimulator
        let health: Mutex<Health>
        let counts = Mutex((requests: 0, failed: 0))

        init(calls: Int, health: Health, latency: Int = 0) throws {
            var c = FuseSimulator.Configuration()
            c.calls = calls
            c.email = Harness.email
            c.key = Harness.key
            c.speed = 0
            c.latencyMilliseconds = latency
            simulator = FuseSimulator(c)
            self.health = Mutex(health)
        }

        func start() throws -> MockHTTPServer {
            let server = try MockHTTPServer(threads: 2) { [self] request in
                let n = counts.withLock {
                    $0.requests += 1
                    return $0.requests
                }
                let ok: Bool = health.withLock {
                    switch $0 {
                    case .healthy: true
                    case .failing: false
                    case .healthyFor(let limit): n <= limit
                    case .downUntil(let instant): ContinuousClock.now >= instant
                    }
                }
                if ok { return simulator.respond(request, stats: nil) }
                counts.withLock { $0.failed += 1 }
                return MockResponse(status: 503, contentType: "application/json", text: #"{"error": "Service Unavailable"}"#)
            }
            return server
        }
    }

    func idsFile(_ api: SwitchableAPI) throws -> String {
        try scratch.write("ids.txt", api.simulator.ids.joined(separator: "\n") + "\n")
    }

    func scalar(_ db: String, _ sql: String) throws -> String? { try Connection(path: db, mode: .readOnly).scalarString(sql) }

    /// The API answers 200 to the first 200 requests, then 503 forever: the
    /// run gives up within the breaker's bound, says what it saw, records
    /// 75 and the outage in the run row and the metrics; the next run,
    /// against the API back to health, archives everything.
    func testAnAPIThatStartsFailingEndsTheRunWithinTheBreakersBound() throws {
        let api = try SwitchableAPI(calls: 3000, health: .healthyFor(200))
        let server = try api.start()
        defer { server.shutdown() }
        let db = scratch.path("a.sqlite")
        let metrics = scratch.path("callhist.prom")
        let env = Harness.environment(baseURL: server.baseURL + "/api")
        let started = ContinuousClock.now
        let r = try Harness.callhist(
            ["archive", "--db", db, "--ids", try idsFile(api), "--concurrency", "8", "--give-up-after", "3s", "--metrics-file", metrics], env: env)
        let elapsed = ContinuousClock.now - started
        XCTAssertEqual(r.status, 75, r.stderr)
        XCTAssertLessThan(elapsed, .seconds(20), "gave up in seconds: the streak, probes for 3 s, and no more")
        let afterOutage = api.counts.withLock { $0.failed }
        // 2 × concurrency different ids open it, the 8 in flight finish,
        // then probes at 1 and 3 s: far below 3,000 ids × 5 attempts.
        XCTAssertLessThanOrEqual(afterOutage, 50, "requests after the outage")
        XCTAssertTrue(r.stderr.contains("callhist: Fuse unreachable since "), r.stderr)
        XCTAssertTrue(r.stderr.contains("consecutive failed requests (HTTP 503 ×"), r.stderr)
        XCTAssertTrue(r.stderr.contains("the run gave up (--give-up-after 3s) instead of retrying every id. 200 of 3000 ids fetched"), r.stderr)
        XCTAssertTrue(r.stderr.contains("left for the next run (the API looked down)"), r.stdout + r.stderr)
        XCTAssertEqual(try scalar(db, "SELECT exit_code FROM archive_runs"), "75")
        XCTAssertEqual(try scalar(db, "SELECT fetched FROM archive_runs"), "200")
        XCTAssertEqual(try scalar(db, "SELECT http_requests FROM archive_runs"), String(200 + afterOutage))
        XCTAssertEqual(try scalar(db, "SELECT message LIKE 'Fuse unreachable since %' FROM archive_runs"), "1")
        let prom = try String(contentsOfFile: metrics, encoding: .utf8)
        XCTAssertTrue(prom.contains("callhist_archive_api_outage 1\n"), prom)
        let streak = prom.split(separator: "\n").first { $0.hasPrefix("callhist_archive_api_outage_failed_requests ") }
        let seen = try XCTUnwrap(streak.flatMap { Int($0.split(separator: " ")[1]) }, prom)
        XCTAssertTrue(
            (16...afterOutage).contains(seen), "the streak the run saw (\(seen)) opened at 2 × concurrency ids; the server sent \(afterOutage)")
        XCTAssertTrue(prom.contains("callhist_archive_exit_code 75\n"), prom)

        api.health.withLock { $0 = .healthy }
        let again = try Harness.callhist(["archive", "--db", db, "--ids", try idsFile(api), "--metrics-file", metrics], env: env)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE last_outcome IN ('ok', 'unchanged')"), "3000")
        XCTAssertTrue(try String(contentsOfFile: metrics, encoding: .utf8).contains("callhist_archive_api_outage 0\n"))
    }

    /// The simulator process dies after answering 300 requests (every
    /// connection then refused): 75 within the bound, the rest left due,
    /// and a later run against a live simulator completes everything.
    func testASimulatorThatDiesPartWayEndsTheRunAndTheNextRunFinishes() throws {
        let dying = try MockProcess(["--calls", "2000", "--latency", "2"])
        let db = scratch.path("a.sqlite")
        let ids = try scratch.write("ids.txt", (1...2000).map { String(format: "call-%07d", $0) }.joined(separator: "\n"))
        let p = try Harness.startCallhist(
            ["archive", "--db", db, "--ids", ids, "--concurrency", "8", "--give-up-after", "3s"], env: Harness.environment(baseURL: dying.baseURL))
        while dying.requests < 300 { Thread.sleep(forTimeInterval: 0.005) }
        let answered = dying.requests
        dying.process.terminate()
        dying.process.waitUntilExit()
        let killedAt = ContinuousClock.now
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 75)
        XCTAssertLessThan(ContinuousClock.now - killedAt, .seconds(15), "the streak, 3 s of probes, and done")
        let c = try Connection(path: db, mode: .readOnly)
        let requests = try XCTUnwrap(try c.scalarInt("SELECT http_requests FROM archive_runs"))
        XCTAssertLessThanOrEqual(requests - Int64(answered), 60, "requests after the simulator died")
        XCTAssertEqual(try c.scalarInt("SELECT message LIKE 'Fuse unreachable since %connection refused%' FROM archive_runs"), 1)
        let fetched = try XCTUnwrap(try c.scalarInt("SELECT fetched FROM archive_runs"))
        XCTAssertGreaterThan(fetched, 200)
        XCTAssertLessThan(fetched, 2000)

        let healthy = try MockProcess(["--calls", "2000"])
        let next = try Harness.callhist(["archive", "--db", db, "--ids", ids], env: Harness.environment(baseURL: healthy.baseURL))
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertEqual(try c.scalarInt("SELECT count(*) FROM calls WHERE status IS NOT NULL"), 2000)
    }

    /// A dead port from the first request: seconds, a bounded number of
    /// requests, and the breaker's words beside "could not be reached".
    func testADeadPortGivesUpInSeconds() throws {
        let dead = try MockHTTPServer { _ in MockResponse(status: 200) }
        let base = dead.baseURL + "/api"
        dead.shutdown()
        let ids = try scratch.write("ids.txt", (1...300).map { "dead-\($0)" }.joined(separator: "\n"))
        let db = scratch.path("a.sqlite")
        let started = ContinuousClock.now
        let r = try Harness.callhist(["archive", "--db", db, "--ids", ids, "--give-up-after", "2s"], env: Harness.environment(baseURL: base))
        XCTAssertEqual(r.status, 69, r.stderr)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(12))
        XCTAssertTrue(r.stderr.contains("the API could not be reached"), r.stderr)
        XCTAssertTrue(r.stderr.contains("(connection refused ×"), r.stderr)
        let requests = try XCTUnwrap(Int(try scalar(db, "SELECT http_requests FROM archive_runs") ?? ""))
        XCTAssertLessThanOrEqual(requests, 40, "not 300 ids × 5 attempts")
    }

    /// Down for 3 s part-way: the probes find it back and every id is archived.
    func testABlipOfAFewSecondsDoesNotEndTheRun() throws {
        let api = try SwitchableAPI(calls: 600, health: .healthy, latency: 5)
        let server = try api.start()
        defer { server.shutdown() }
        let db = scratch.path("a.sqlite")
        let p = try Harness.startCallhist(
            ["archive", "--db", db, "--ids", try idsFile(api), "--concurrency", "4"], env: Harness.environment(baseURL: server.baseURL + "/api"))
        while api.counts.withLock({ $0.requests }) < 100 { Thread.sleep(forTimeInterval: 0.01) }
        api.health.withLock { $0 = .downUntil(ContinuousClock.now + .seconds(3)) }
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertGreaterThan(api.counts.withLock { $0.failed }, 0, "the blip was seen")
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE last_outcome IN ('ok', 'unchanged')"), "600")
        XCTAssertEqual(try scalar(db, "SELECT exit_code FROM archive_runs"), "0")
    }
}
