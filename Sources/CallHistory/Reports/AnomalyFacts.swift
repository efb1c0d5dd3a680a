/// What the anomaly checks read from storage (a backend's queries find the
/// candidates; `AnomaliesReport` judges them and words the findings).
enum AnomalyFacts {
    /// A call still re-checked whose newest event (or queue time) is old.
    struct StuckCall: Equatable, Sendable {
        var id: String
        var status: String
        var attempts: Int64?
        var maxAttempts: Int64?
        var queued: Int64?
        /// The newest event's timestamp, nil when no event has one.
        var newestEvent: Int64?
        var lastFetched: Int64?
        var firstSeen: Int64
        /// When the newest activity happened: the newest event, else the
        /// queue time, else when callhist first saw the id.
        var lastActivity: Int64 { newestEvent ?? queued ?? firstSeen }
    }

    /// A call with a status whose stored facts may break one of the API's rules.
    struct SuspectCall: Equatable, Sendable {
        var id: String
        var status: String
        var attempts: Int64?
        var maxAttempts: Int64?
        var start: Int64?
        var end: Int64?
        var duration: Int64?
        var eventDuration: Int64?
        /// The first event whose timestamp is earlier than an event before it in the list.
        var disorder: Disorder?
        /// Completed, and no event is `connected`.
        var completedWithoutConnected: Bool
        var events: Int
        /// `last_error` naming numbers refused when the body was stored.
        var refusal: String?
    }

    /// An event earlier than one before it: its position, name and time,
    /// and the latest time of the events before it.
    struct Disorder: Equatable, Sendable {
        var seq: Int64
        var event: String
        var timestamp: Int64
        var latestBefore: Int64
    }

    /// A change away from a final status.
    struct FinalChange: Equatable, Sendable {
        var id: String
        var old: String
        var new: String
        var observedAt: Int64
        var runID: Int64?
    }

    /// An id whose last fetches all brought no body.
    struct FailingCall: Equatable, Sendable {
        var id: String
        var failures: Int
        var lastOutcome: String?
        var lastHTTPCode: Int?
        var lastError: String?
        var lastFetched: Int64?
        var hasData: Bool
    }
}
