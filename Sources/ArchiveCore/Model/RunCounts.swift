/// The figures of one archive or import run, as `archive_runs` stores them.
public struct RunCounts: Sendable, Equatable {
    public var requested = 0
    public var fetched = 0
    public var changed = 0
    public var unchanged = 0
    public var notFound = 0
    public var forbidden = 0
    public var failed = 0
    public var leftOver = 0
    public var httpRequests = 0
    /// Calls archived for the first time (a subset of `changed`).
    public var new = 0
    /// Ids the run considered and did not fetch, by reason (docs/reliability.md, "Which ids a run fetches").
    public var skippedFinal = 0
    public var skippedWaiting = 0
    public var skippedStale = 0

    public init() {}

    public var done: Int { fetched + notFound + forbidden + failed }
    public var skipped: Int { skippedFinal + skippedWaiting + skippedStale }
    /// Every id the run looked at: `fetched + notFound + forbidden + failed + leftOver + skipped`.
    public var considered: Int { requested + skipped }
}
