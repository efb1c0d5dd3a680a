import Curl
import Foundation

/// Fetches call statuses from `GET {base}/outbound/{id}`, politely: bounded
/// concurrency, an optional request-rate cap, backoff on 5xx/429/timeouts
/// honouring `Retry-After`, and an immediate stop on 401. Runs on the calling
/// thread and delivers each result as it completes; memory does not grow
/// with the number of ids (they are pulled lazily).
public struct FuseClient: Sendable {
    public struct Configuration: Sendable {
        public var endpoint: FuseEndpoint
        public var credentials: FuseCredentials
        public var format: BodyFormat = .json
        public var concurrency = 8
        /// Requests per second at most (any one-second window); nil for no cap.
        public var ratePerSecond: Double?
        public var timeout: Duration = .seconds(30)
        public var connectTimeout: Duration = .seconds(10)
        public var retry = RetryPolicy()
        public var userAgent = "callhist"
        /// Stop starting requests after this many (a budget).
        public var maxRequests: Int?
        /// Stop starting requests at this instant (a budget).
        public var deadline: ContinuousClock.Instant?
        public var maxBodyBytes = 8 << 20

        public init(endpoint: FuseEndpoint, credentials: FuseCredentials) {
            self.endpoint = endpoint
            self.credentials = credentials
        }
    }

    public let configuration: Configuration

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Fetches every id from `ids`, calling `deliver` once per id with a
    /// definite outcome. Ids still waiting when a budget ends the run, or
    /// when a 401 stops it, are counted as abandoned and not delivered.
    /// `shouldStop` lets the caller end the run early (nothing more starts).
    @discardableResult
    public func fetch<S: Sequence<String>>(_ ids: S, deliver: (FetchResult) -> Void, shouldStop: () -> Bool = { false }) -> FetchSummary {
        var run = FetchRun(configuration: configuration, ids: ids.makeIterator())
        let multi = CurlMulti<Int>(maxInFlight: configuration.concurrency)
        multi.run(
            pull: { now in run.pull(now: now) },
            deliver: { slot, result in
                if let r = run.complete(slot: slot, result: result, now: ContinuousClock.now) { deliver(r) }
            },
            shouldStop: { run.summary.stoppedByUnauthorized || shouldStop() }
        )
        run.finish()
        return run.summary
    }

    /// The request for one id.
    func request(for id: String) -> CurlRequest {
        let c = configuration
        var request = CurlRequest(
            url: c.endpoint.statusURL(for: id), headers: ["Accept: \(c.format.mediaType)"],
            connectTimeout: c.connectTimeout, timeout: c.timeout, userAgent: c.userAgent, maxBodyBytes: c.maxBodyBytes)
        request.bypassProxy = c.endpoint.isLoopback
        switch c.credentials {
        case .basic(let email, let key): request.auth = .init(user: email, password: key)
        case .netrc(let path): request.netrcFile = path
        }
        return request
    }
}

/// The mutable state of one `fetch`: ids in progress, retries waiting, the
/// rate limiter and the counts.
private struct FetchRun<Ids: IteratorProtocol<String>> {
    struct Active {
        let id: String
        var attempts = 0
        var readyAt: ContinuousClock.Instant?
        var answered = false
        var everReachable = false
    }

    let configuration: FuseClient.Configuration
    let client: FuseClient
    var ids: Ids
    var idsExhausted = false
    var slots: [Int: Active] = [:]
    var nextSlot = 0
    var waiting: [Int] = []  // slots waiting for a retry
    var limiter: RateLimiter?
    var summary = FetchSummary()

    init(configuration: FuseClient.Configuration, ids: Ids) {
        self.configuration = configuration
        self.client = FuseClient(configuration)
        self.ids = ids
        self.limiter = configuration.ratePerSecond.map(RateLimiter.init(perSecond:))
    }

    var budgetLeft: Bool {
        if let max = configuration.maxRequests, summary.requests >= max { return false }
        if let deadline = configuration.deadline, ContinuousClock.now >= deadline { return false }
        return true
    }

    mutating func pull(now: ContinuousClock.Instant) -> CurlMulti<Int>.Pull {
        guard !summary.stoppedByUnauthorized else { return .idle }
        guard budgetLeft else {
            summary.budgetExhausted = summary.budgetExhausted || !idsExhausted || !waiting.isEmpty
            return .idle
        }
        if let gate = limiter?.earliestStart(), gate > now { return .wait(until: gate) }

        // Retries first: they are older work.
        if let index = waiting.indices.min(by: { slots[waiting[$0]]!.readyAt! < slots[waiting[$1]]!.readyAt! }) {
            let slot = waiting[index]
            let readyAt = slots[slot]!.readyAt!
            if readyAt <= now {
                waiting.remove(at: index)
                return start(slot: slot, now: now)
            }
            if !canTakeNewID { return .wait(until: readyAt) }
            if let started = startNextID(now: now) { return started }
            return .wait(until: readyAt)
        }
        if canTakeNewID, let started = startNextID(now: now) { return started }
        return .idle
    }

    /// Ids waiting for a retry hold their place, so a server that keeps
    /// failing slows the whole run instead of piling up work.
    var canTakeNewID: Bool { !idsExhausted && slots.count < configuration.concurrency * 2 }

    mutating func startNextID(now: ContinuousClock.Instant) -> CurlMulti<Int>.Pull? {
        guard let id = ids.next() else {
            idsExhausted = true
            return nil
        }
        let slot = nextSlot
        nextSlot += 1
        slots[slot] = Active(id: id)
        return start(slot: slot, now: now)
    }

    mutating func start(slot: Int, now: ContinuousClock.Instant) -> CurlMulti<Int>.Pull {
        slots[slot]!.attempts += 1
        slots[slot]!.readyAt = nil
        summary.requests += 1
        limiter?.recordStart(at: now)
        return .start(slot, client.request(for: slots[slot]!.id))
    }

    mutating func complete(slot: Int, result: Result<CurlResponse, CurlError>, now: ContinuousClock.Instant) -> FetchResult? {
        guard var active = slots[slot] else { return nil }
        // After a 401 nothing more is reported: transfers that finished in the
        // same instant are abandoned with the rest.
        guard !summary.stoppedByUnauthorized else { return nil }
        var retryAfter: Duration?
        let failure: FetchFailure
        switch result {
        case .success(let response):
            active.answered = true
            active.everReachable = true
            let message = { StatusDecoder.errorMessage(response.body) ?? "HTTP \(response.status)" }
            switch response.status {
            case 200:
                do {
                    let status = try StatusDecoder.decode(response.body, format: configuration.format)
                    return finish(slot: slot, active, .found(status))
                } catch {
                    failure = FetchFailure(reason: "malformed body: \(error)", httpStatus: 200, malformed: true)
                }
            case 401:
                summary.stoppedByUnauthorized = true
                return finish(slot: slot, active, .unauthorized(message: message()))
            case 403: return finish(slot: slot, active, .forbidden(message: message()))
            case 404: return finish(slot: slot, active, .notFound(message: message()))
            case 429, 500...599:
                retryAfter = RetryPolicy.parseRetryAfter(response.header("Retry-After"))
                failure = FetchFailure(reason: "HTTP \(response.status): \(message())", httpStatus: response.status)
            default:
                // Another 4xx will not change on retry: report it as it is.
                return finish(slot: slot, active, .failed(FetchFailure(reason: "HTTP \(response.status): \(message())", httpStatus: response.status)))
            }
        case .failure(let error):
            if !error.isUnreachable { active.everReachable = true }
            if error.kind == .bodyTooLarge {
                return finish(slot: slot, active, .failed(FetchFailure(reason: error.message, httpStatus: nil)))
            }
            failure = FetchFailure(reason: error.message, httpStatus: nil, unreachable: !active.everReachable)
        }
        guard active.attempts <= configuration.retry.retries else {
            return finish(slot: slot, active, .failed(failure))
        }
        active.readyAt = now + configuration.retry.delay(beforeRetry: active.attempts, retryAfter: retryAfter)
        slots[slot] = active
        waiting.append(slot)
        return nil
    }

    mutating func finish(slot: Int, _ active: Active, _ outcome: FetchOutcome) -> FetchResult {
        slots[slot] = nil
        summary.delivered += 1
        if active.answered { summary.answered += 1 }
        return FetchResult(callID: active.id, outcome: outcome, requests: active.attempts)
    }

    mutating func finish() {
        summary.abandoned = slots.count
    }
}
