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
        /// After the caller asks the run to finish, transfers in flight get
        /// this long to complete before they are abandoned.
        public var drainGrace: Duration = .seconds(5)
        /// How long the API may look down (a streak of connection failures,
        /// timeouts and 5xx across different ids) before the run gives up;
        /// nil never (`OutageBreaker`).
        public var giveUpAfter: Duration? = .seconds(30)
        /// A CA bundle (PEM) to trust instead of the system store (`--cacert`).
        public var caBundle: String?
        /// A proxy for every request (`--proxy`); nil leaves libcurl's
        /// `https_proxy`/`no_proxy` variables in charge.
        public var proxy: String?

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
    /// definite outcome. An id waiting for a retry when a budget ends the run
    /// is delivered as failed (its last failure); ids in flight or never
    /// started then, and every id after a 401, are counted as abandoned and
    /// not delivered.
    /// `shouldStop` ends the run at once (in-flight transfers abandoned);
    /// `shouldFinish` ends it gracefully: nothing more starts, and transfers
    /// in flight get `drainGrace` to complete and be delivered.
    @discardableResult
    public func fetch<S: Sequence<String>>(
        _ ids: S, deliver: (FetchResult) -> Void, shouldStop: () -> Bool = { false },
        shouldFinish: () -> Bool = { false }
    ) -> FetchSummary {
        var iterator = ids.makeIterator()
        return fetch(from: { iterator.next().map(IDSupply.id) ?? .end }, deliver: deliver, shouldStop: shouldStop, shouldFinish: shouldFinish)
    }

    /// The same, with ids supplied as they become available (the archiver
    /// streams them in pages from the archive while it writes): `.notYet`
    /// keeps the transfers in flight going and asks again shortly.
    @discardableResult
    public func fetch(
        from supply: @escaping () -> IDSupply, deliver: (FetchResult) -> Void, shouldStop: () -> Bool = { false },
        shouldFinish: () -> Bool = { false }
    ) -> FetchSummary {
        var generator = SystemRandomNumberGenerator()
        var run = FetchRun(
            configuration: configuration, ids: supply, clock: { ContinuousClock.now }, random: { range in Int64.random(in: range, using: &generator) }
        )
        let multi = CurlMulti<Int>(maxInFlight: configuration.concurrency)
        multi.run(
            pull: { now in
                if shouldFinish() { run.drain(now: now) }
                return run.pull(now: now)
            },
            deliver: { slot, result in
                if let r = run.complete(slot: slot, result: result, now: ContinuousClock.now) { deliver(r) }
            },
            shouldStop: {
                if shouldFinish() { run.drain(now: ContinuousClock.now) }
                let now = ContinuousClock.now
                return run.summary.stoppedAtOnce || shouldStop() || run.graceOver(now: now) || run.cutAtDeadline(now: now)
            }
        )
        for result in run.finish() { deliver(result) }
        return run.summary
    }

    /// The request for one id.
    func request(for id: String) -> CurlRequest {
        let c = configuration
        var request = CurlRequest(
            url: c.endpoint.statusURL(for: id), headers: ["Accept: \(c.format.mediaType)"],
            connectTimeout: c.connectTimeout, timeout: c.timeout, userAgent: c.userAgent, maxBodyBytes: c.maxBodyBytes)
        request.caBundle = c.caBundle
        if let proxy = c.proxy {
            request.proxy = proxy  // asked for explicitly: used for every host, loopback included
        } else {
            request.bypassProxy = c.endpoint.isLoopback
        }
        switch c.credentials {
        case .basic(let email, let key): request.auth = .init(user: email, password: key)
        case .netrc(let path): request.netrcFile = path
        }
        return request
    }
}
