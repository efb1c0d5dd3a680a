/// One call as `GET /api/outbound/{call_id}` describes it, decoded leniently
/// (docs/schema.md), with the body it came from.
public struct CallStatus: Sendable, Equatable {
    public struct Event: Sendable, Equatable {
        public var event: String
        public var timestamp: Int64?
        public init(event: String, timestamp: Int64?) {
            self.event = event
            self.timestamp = timestamp
        }
    }

    public var status: String
    public var attempts: Int64?
    public var maxAttempts: Int64?
    public var queuedTimestamp: Int64?
    public var startTimestamp: Int64?
    public var endTimestamp: Int64?
    public var lastAttemptTimestamp: Int64?
    public var reattemptWait: Int64?
    public var duration: Int64?
    /// Without the single quotes the API wraps it in.
    public var phoneNumber: String?
    public var success: Bool?
    public var events: [Event]
    /// Numbers the body held that were refused (not whole, or outside
    /// `FieldBounds`), as `name value`; their fields are nil.
    public var refusedFields: [String] = []
    /// The body exactly as received; it keeps fields this type does not know.
    public var body: [UInt8]
    public var format: BodyFormat

    public init(
        status: String, attempts: Int64? = nil, maxAttempts: Int64? = nil, queuedTimestamp: Int64? = nil,
        startTimestamp: Int64? = nil, endTimestamp: Int64? = nil, lastAttemptTimestamp: Int64? = nil,
        reattemptWait: Int64? = nil, duration: Int64? = nil, phoneNumber: String? = nil, success: Bool? = nil,
        events: [Event] = [], body: [UInt8] = [], format: BodyFormat = .json
    ) {
        self.status = status
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.queuedTimestamp = queuedTimestamp
        self.startTimestamp = startTimestamp
        self.endTimestamp = endTimestamp
        self.lastAttemptTimestamp = lastAttemptTimestamp
        self.reattemptWait = reattemptWait
        self.duration = duration
        self.phoneNumber = phoneNumber
        self.success = success
        self.events = events
        self.body = body
        self.format = format
    }

    /// Statuses after which a call never changes (docs/reports.md). Any other
    /// status, known or not, counts as still in progress.
    public static let finalStatuses: Set<String> = ["completed", "canceled", "failed", "rejected"]
    /// Every status Plum's documentation shows, in progress first. The list
    /// is open: the API may send others, which are stored as they come.
    public static let documentedStatuses = ["queued", "dialing", "connected", "completed", "canceled", "failed", "rejected"]

    public var isFinal: Bool { Self.finalStatuses.contains(status) }

    /// True when two decodings describe the same call, whatever the bytes.
    public func sameFacts(as other: CallStatus) -> Bool {
        var a = self
        var b = other
        a.body = []
        a.format = .json
        a.refusedFields = []
        b.body = []
        b.format = .json
        b.refusedFields = []
        return a == b
    }
}
