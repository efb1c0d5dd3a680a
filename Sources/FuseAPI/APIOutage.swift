/// What a run that gave up on the API saw (`OutageBreaker`), for its
/// message, the run row and the metrics file.
public struct APIOutage: Sendable, Equatable {
    /// When the streak of failures began (its first failure).
    public let since: ContinuousClock.Instant
    /// Failed requests in the streak.
    public let failures: Int
    /// Different ids among them.
    public let ids: Int
    /// The failures by kind ("connection refused", "timeout", "HTTP 503"), most first.
    public let kinds: [Kind]

    public struct Kind: Sendable, Equatable {
        public let kind: String
        public let count: Int
    }

    /// "20 consecutive failed requests (connection refused ×14, HTTP 503 ×6) across 20 ids".
    public var description: String {
        let what = kinds.map { "\($0.kind) ×\($0.count)" }.joined(separator: ", ")
        return "\(failures) consecutive failed requests (\(what)) across \(ids) ids"
    }
}
