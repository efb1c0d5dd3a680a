/// Never more than `perSecond` request starts in any one-second window
/// (a sliding window over the last starts, not a bucket that allows bursts
/// at window edges). Below 1 per second, starts are spaced 1/rate apart.
struct RateLimiter {
    private let window: Duration
    private var recent: [ContinuousClock.Instant]
    private var next = 0

    init(perSecond: Double) {
        precondition(perSecond > 0)
        if perSecond >= 1 {
            window = .seconds(1)
            recent = []
            recent.reserveCapacity(Int(perSecond))
            capacity = Int(perSecond)
        } else {
            window = .seconds(1 / perSecond)
            recent = []
            capacity = 1
        }
    }

    private let capacity: Int

    /// The earliest instant a new request may start.
    func earliestStart() -> ContinuousClock.Instant? {
        guard recent.count == capacity else { return nil }
        return recent[next] + window  // the oldest of the last `capacity` starts
    }

    mutating func recordStart(at instant: ContinuousClock.Instant) {
        if recent.count < capacity {
            recent.append(instant)
        } else {
            recent[next] = instant
            next = (next + 1) % capacity
        }
    }
}
