import Synchronization

/// Counts requests and how many were in flight at once, so tests and
/// benchmarks can check a client's politeness against the server's own view.
public final class ServerStats: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var requests = 0
        public var inFlight = 0
        public var maxInFlight = 0
        public var byStatus: [Int: Int] = [:]
        /// Requests that came in absolute form, through a proxy.
        public var proxied = 0
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func begin() {
        state.withLock {
            $0.requests += 1
            $0.inFlight += 1
            $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
        }
    }

    func end(status: Int) {
        state.withLock {
            $0.inFlight -= 1
            $0.byStatus[status, default: 0] += 1
        }
    }

    func countProxied() { state.withLock { $0.proxied += 1 } }

    public func reset() {
        state.withLock { $0 = Snapshot(inFlight: $0.inFlight, maxInFlight: $0.inFlight) }
    }
}
