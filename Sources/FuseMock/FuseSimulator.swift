import Foundation
import Synchronization

/// The simulated Fuse status API: routes, Basic auth, a deterministic set of
/// calls that progress with a simulated clock, and injected faults.
public final class FuseSimulator: Sendable {
    public struct Configuration: Sendable {
        public var seed: UInt64 = 1
        public var calls = 1000
        /// The calls are queued over this many days before `now`.
        public var days = 7
        /// The simulated time at start (unix seconds); calls are queued over
        /// the `days` before it. The real clock by default.
        public var now: Int64 = Int64(Date().timeIntervalSince1970)
        /// Simulated seconds that pass per real second (0: the clock moves
        /// only when told). The real pace by default.
        public var speed: Double = 1
        public var email = "demo@example.com"
        public var key = "demo-key"
        public var latencyMilliseconds = 0
        public var errorRate = 0.0
        public var rateLimitRate = 0.0
        public var retryAfterSeconds = 1
        public var malformedRate = 0.0
        public var dropRate = 0.0
        /// Share of the calls owned by another account (answered 403).
        public var forbiddenRate = 0.0
        /// Share of the calls whose JSON bodies are hostile (`HostileBody`;
        /// which calls, and which kind, is fixed by the id).
        public var hostileRate = 0.0
        public init() {}
    }

    public let configuration: Configuration
    private let expectedAuthorization: String
    private let clock: Mutex<(base: Int64, startedAt: ContinuousClock.Instant)>
    /// Authorized requests per call id: tests of concurrent archivers check
    /// that no id was asked for twice (`/_mock/stats`, `ids_requested_twice`).
    private let requestsByID = Mutex<[String: Int]>([:])

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        expectedAuthorization = "Basic " + Data("\(configuration.email):\(configuration.key)".utf8).base64EncodedString()
        clock = Mutex((configuration.now, ContinuousClock.now))
    }

    /// The ids of every synthetic call, in order.
    public var ids: [String] {
        (1...max(1, configuration.calls)).map {
            SimulatedCall(index: $0, seed: configuration.seed, epoch: configuration.now, days: configuration.days).id
        }
    }

    /// The simulated time now.
    public var now: Int64 {
        clock.withLock { c in c.base + Int64(configuration.speed * Double((ContinuousClock.now - c.startedAt).components.seconds)) }
    }

    public func advance(seconds: Int64) {
        clock.withLock { $0.base += seconds }
    }

    public func call(_ id: String) -> SimulatedCall? {
        guard id.hasPrefix("call-"), let n = Int(id.dropFirst(5)), n >= 1, n <= configuration.calls,
            id == SimulatedCall(index: n, seed: 0, epoch: 0, days: 1).id
        else { return nil }
        return SimulatedCall(index: n, seed: configuration.seed, epoch: configuration.now, days: configuration.days)
    }

    /// Answers one request; `stats` lets the admin route report the server's counts.
    public func respond(_ request: MockRequest, stats: ServerStats?) -> MockResponse {
        let path = request.path
        if path.hasPrefix("/_mock/") { return admin(request, stats: stats) }
        let wantsXML = request.headers["accept"].map { $0.contains("application/xml") && !$0.contains("application/json") } ?? false
        if request.viaProxy { stats?.countProxied() }
        // Outside /api the web server answers, not the API: its own HTML
        // page, as a base URL without /api gets from the real host.
        guard path == "/api" || path.hasPrefix("/api/") else {
            return fault(
                MockResponse(
                    status: 404, contentType: "text/html",
                    text:
                        "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
                ))
        }
        let prefix = "/api/outbound/"
        guard path.hasPrefix(prefix), path.count > prefix.count else {
            return fault(errorResponse(404, "No route found.", xml: wantsXML))
        }
        guard request.method == "GET" else {
            return fault(errorResponse(405, "Method not allowed.", xml: wantsXML))
        }
        guard request.headers["authorization"] == expectedAuthorization else {
            var r = errorResponse(401, "Invalid credentials or inactive account.", xml: wantsXML)
            r.headers.append(("WWW-Authenticate", "Basic realm=\"Fuse\""))
            return fault(r)
        }
        requestsByID.withLock { $0[String(path.dropFirst(prefix.count)), default: 0] += 1 }
        let c = configuration
        let roll = Double.random(in: 0..<1)
        var threshold = c.errorRate
        if roll < threshold { return fault(errorResponse(500, "A database error occurred.", xml: wantsXML)) }
        threshold += c.rateLimitRate
        if roll < threshold {
            var r = errorResponse(429, "Too many requests.", xml: wantsXML)
            r.headers.append(("Retry-After", String(c.retryAfterSeconds)))
            return fault(r)
        }
        let rawID = String(path.dropFirst(prefix.count))
        guard let id = rawID.removingPercentEncoding, let call = call(id) else {
            return fault(errorResponse(404, "No outbound call was found by that id.", xml: wantsXML))
        }
        if c.forbiddenRate > 0, Double(id.hashValueStable % 10_000) / 10_000 < c.forbiddenRate {
            return fault(errorResponse(403, "You do not have permission to view this call.", xml: wantsXML))
        }
        let state = call.state(at: now)
        if !wantsXML, let kind = hostileKind(id) {
            return fault(MockResponse(status: 200, headers: [("Content-Type", "application/json")], body: kind.render(call, state)))
        }
        let body = wantsXML ? CallRenderer.xml(call, state) : CallRenderer.json(call, state)
        threshold += c.malformedRate
        if roll < threshold {
            return fault(MockResponse(status: 200, contentType: contentType(wantsXML), text: String(body.prefix(body.count / 3))))
        }
        threshold += c.dropRate
        var response = MockResponse(status: 200, contentType: contentType(wantsXML), text: body)
        response.dropMidResponse = roll < threshold
        return fault(response)
    }

    /// The hostile kind of call `id`, or nil for an ordinary call.
    public func hostileKind(_ id: String) -> HostileBody? {
        guard configuration.hostileRate > 0 else { return nil }
        let h = ("hostile:" + id).hashValueStable
        guard Double(h % 10_000) / 10_000 < configuration.hostileRate else { return nil }
        return HostileBody(rawValue: Int((h / 10_000) % UInt64(HostileBody.allCases.count)))
    }

    private func contentType(_ xml: Bool) -> String { xml ? "application/xml" : "application/json" }

    private func errorResponse(_ status: Int, _ message: String, xml: Bool) -> MockResponse {
        MockResponse(status: status, contentType: contentType(xml), text: CallRenderer.error(message, xml: xml))
    }

    private func fault(_ response: MockResponse) -> MockResponse {
        var r = response
        r.delayMilliseconds = configuration.latencyMilliseconds
        return r
    }

    /// `GET /_mock/stats` (counts), `POST /_mock/advance?seconds=N` (moves the clock),
    /// `POST /_mock/reset` (zeroes the counts). Not part of Fuse's API.
    private func admin(_ request: MockRequest, stats: ServerStats?) -> MockResponse {
        switch request.path {
        case "/_mock/stats":
            let s = stats?.snapshot ?? ServerStats.Snapshot()
            let byStatus = s.byStatus.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",")
            let (distinct, twice) = requestsByID.withLock { counts in (counts.count, counts.values.filter { $0 > 1 }.count) }
            return MockResponse(
                status: 200, contentType: "application/json",
                text:
                    "{\"requests\":\(s.requests),\"in_flight\":\(s.inFlight),\"max_in_flight\":\(s.maxInFlight),\"by_status\":{\(byStatus)},\"via_proxy\":\(s.proxied),\"now\":\(now),\"ids_requested\":\(distinct),\"ids_requested_twice\":\(twice)}"
            )
        case "/_mock/advance":
            let seconds = request.query.flatMap { q in q.split(separator: "&").first { $0.hasPrefix("seconds=") } }.flatMap { Int64($0.dropFirst(8)) }
            guard let seconds else { return MockResponse(status: 400, contentType: "text/plain", text: "seconds=N required\n") }
            advance(seconds: seconds)
            return MockResponse(status: 200, contentType: "application/json", text: "{\"now\":\(now)}")
        case "/_mock/reset":
            stats?.reset()
            requestsByID.withLock { $0.removeAll() }
            return MockResponse(status: 200, contentType: "application/json", text: "{}")
        default:
            return MockResponse(status: 404, contentType: "text/plain", text: "unknown mock route\n")
        }
    }
}

extension String {
    /// FNV-1a: unlike `hashValue`, the same in every process.
    fileprivate var hashValueStable: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
