/// Spaces request starts evenly, 1/R apart, so that any one-second window
/// holds at most R starts (R + 1 when R is not whole, or when a window
/// catches both ends of the spacing). A burst at the start of each second
/// — what a sliding window of the last R starts allows — would look like
/// R + R to a server counting a window that straddles two of them.
/// Constant memory whatever R; a rate so high that the gap rounds to
/// nothing means no limit.
struct RateLimiter {
    /// The gap between two starts, rounded up to the nanosecond.
    let interval: Duration
    private var next: ContinuousClock.Instant?

    /// `perSecond` is bounded here too (the command line already checks it):
    /// at least one start a day, and at most 10⁹ a second.
    init(perSecond: Double) {
        let rate = perSecond.isFinite ? min(max(perSecond, 1.0 / 86_400), 1e9) : 1e9
        interval = .nanoseconds(Int64((1e9 / rate).rounded(.up)))
    }

    /// The earliest instant the next request may start, nil when it may start now.
    func earliestStart() -> ContinuousClock.Instant? { next }

    /// Counts the gap from the actual start: a late start never earns a catch-up burst.
    mutating func recordStart(at instant: ContinuousClock.Instant) {
        next = instant + interval
    }
}
