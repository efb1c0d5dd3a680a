
/// `report pending`: calls not final yet, and ids never fetched successfully,
/// oldest first, with how long they have been open and which are stale.
public struct PendingReport: Sendable {
    public struct Row: Equatable, Sendable {
        public var callID: String
        /// nil for an id that never got a successful answer.
        public var status: String?
        public var queuedAt: Int64?
        public var firstSeenAt: Int64
        public var attempts: Int64?
        public var maxAttempts: Int64?
        public var lastFetchedAt: Int64?
        public var nextCheckAt: Int64
        public var stale: Bool
        public var lastOutcome: String?
        public var lastError: String?

        /// Seconds the call has been open at `now` (since queued, else since
        /// first seen); nil when the stored time is too far off to subtract.
        public func openFor(now: Int64) -> Int64? { SafeMath.minus(now, queuedAt ?? firstSeenAt) }

        package init(callID: String, status: String? = nil, queuedAt: Int64? = nil, firstSeenAt: Int64, attempts: Int64? = nil, maxAttempts: Int64? = nil, lastFetchedAt: Int64? = nil, nextCheckAt: Int64, stale: Bool, lastOutcome: String? = nil, lastError: String? = nil) {
            self.callID = callID
            self.status = status
            self.queuedAt = queuedAt
            self.firstSeenAt = firstSeenAt
            self.attempts = attempts
            self.maxAttempts = maxAttempts
            self.lastFetchedAt = lastFetchedAt
            self.nextCheckAt = nextCheckAt
            self.stale = stale
            self.lastOutcome = lastOutcome
            self.lastError = lastError
        }
    }

    /// Calls with a status that are not final, and ids without a status (also counted).
    public var pending = 0
    public var unfetched = 0
    public var stale = 0
    public var rows: [Row] = []


    package init(rows: [Row] = []) {
        self.rows = rows
    }
}
