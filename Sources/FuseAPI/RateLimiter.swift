/// Never more than `perSecond` request starts in any one-second window
/// (a sliding window over the last starts, not a bucket that allows bursts
/// at window edges). Below 1 per second, starts are spaced 1/rate apart.
struct RateLimiter {
    private let window: Duration
    private let capacity: Int
    /// The most recent starts, a ring of `capacity` entries.
    private var recent: [ContinuousClock.Instant] = []
    private var oldest = 0

    init(perSecond: Double) {
        precondition(perSecond > 0)
        if perSecond >= 1 {
            window = .seconds(1)
            capacity = Int(perSecond)
        } else {
            window = .seconds(1 / perSecond)
            capacity = 1
        }
        recent.reserveCapacity(capacity)
    }

    /// The earliest instant a new request may start, nil when it may start now.
    func earliestStart() -> ContinuousClock.Instant? {
        recent.count == capacity ? recent[oldest] + window : nil
    }

    mutating func recordStart(at instant: ContinuousClock.Instant) {
        if recent.count < capacity {
            recent.append(instant)
        } else {
            recent[oldest] = instant
            oldest = (oldest + 1) % capacity
        }
    }
}
