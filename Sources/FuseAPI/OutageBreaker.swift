/// The circuit breaker of one fetch (docs/reliability.md, "API outages"):
/// when the API looks down, a run stops starting requests instead of
/// retrying every id in turn for a quarter of an hour.
///
/// "Looks down" is a streak of failures that say nothing about one call —
/// connection refused or lost, timeouts, DNS, 5xx — across *different* ids
/// with no answer in between: 20 ids, or all the ids the run holds at once
/// (2 × concurrency) when that is fewer, or every id still active once the
/// ids are all read (at least 2). One id failing again and again is that
/// id's retries' business; 429 is the API talking (and `Retry-After` is
/// honoured), so is any other answer: each ends the streak.
///
/// Then the breaker opens: nothing new starts, and one request at a time
/// probes the API after 1, 2, 4 and then every 8 seconds, so a blip of a
/// few seconds costs a few seconds. A probe answered closes the breaker and
/// the run goes on. Once every id is read there is nothing new to hold
/// back: the ids left retry as they would without it (the breaker never
/// makes a run longer). When the streak is `giveUpAfter` old and a request
/// since the opening failed too, the run gives up: what is in flight
/// finishes, the rest waits for the next run.
///
/// Pure state: the clock is handed in, so every path is tested without sleeping.
struct OutageBreaker {
    /// The streak that opens the breaker, in different ids.
    static let tripIDs = 20
    /// Waits between probes: 1, 2, 4, then 8 s.
    static func probeDelay(after probes: Int) -> Duration { .seconds(1 << min(max(probes, 0), 3)) }

    /// How long the API may look down before the run gives up; nil never.
    let giveUpAfter: Duration?
    /// The streak that opens the breaker: `tripIDs`, or 2 × concurrency when fewer.
    let tripAt: Int

    private(set) var streakSince: ContinuousClock.Instant?
    private(set) var streakFailures = 0
    private var streakIDs: Set<String> = []
    private var kinds: [String: Int] = [:]
    /// When the breaker opened; nil while closed.
    private(set) var openedAt: ContinuousClock.Instant?
    private(set) var probes = 0
    /// Failed requests since it opened (probes, and retries once every id is read).
    private var failuresSinceOpen = 0
    /// The slot of the probe in flight.
    private(set) var probeSlot: Int?
    private var nextProbeAt: ContinuousClock.Instant?
    /// Set once the run gave up.
    private(set) var gaveUp: APIOutage?

    init(giveUpAfter: Duration?, concurrency: Int) {
        self.giveUpAfter = giveUpAfter.flatMap { $0 > .zero ? $0 : nil }
        self.tripAt = min(Self.tripIDs, max(2, concurrency * 2))
    }

    var isOpen: Bool { openedAt != nil }

    /// An answer from the API: the streak ends, the breaker closes.
    mutating func answered() {
        streakSince = nil
        streakFailures = 0
        streakIDs.removeAll()
        kinds.removeAll()
        openedAt = nil
        probes = 0
        failuresSinceOpen = 0
        probeSlot = nil
        nextProbeAt = nil
    }

    /// A request that failed in a way that says the API may be down.
    /// `active` is the number of ids the run holds; `allRead` says no more will come.
    mutating func failed(id: String, slot: Int, kind: String, active: Int, allRead: Bool, now: ContinuousClock.Instant) {
        guard giveUpAfter != nil, gaveUp == nil else { return }
        if streakSince == nil { streakSince = now }
        streakFailures += 1
        if streakIDs.count < Self.tripIDs || streakIDs.contains(id) { streakIDs.insert(id) }
        kinds[kind, default: 0] += 1
        if isOpen { failuresSinceOpen += 1 }
        if slot == probeSlot {
            probeSlot = nil
            probes += 1
            nextProbeAt = now + Self.probeDelay(after: probes)
        }
        if openedAt == nil {
            let threshold = allRead ? min(tripAt, max(2, active)) : tripAt
            if streakIDs.count >= threshold {
                openedAt = now
                nextProbeAt = now + Self.probeDelay(after: 0)
            }
        }
        if isOpen, probeSlot == nil, let giveUpAfter, let since = streakSince, now - since >= giveUpAfter, failuresSinceOpen > 0 {
            giveUp()
        }
    }

    /// While open: may the run start a probe now (then call `probing`), and if not, when to ask again.
    func probeGate(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard isOpen, probeSlot == nil, let nextProbeAt else { return nil }
        return nextProbeAt > now ? nextProbeAt : now
    }

    mutating func probing(slot: Int) { probeSlot = slot }

    /// The probe's request ended without a verdict on the API (a 429, a
    /// 4xx about its id): it is an answer, so `answered()` follows; this
    /// only forgets the slot when the id was abandoned.
    mutating func forget(slot: Int) { if probeSlot == slot { probeSlot = nil } }

    private mutating func giveUp() {
        guard let since = streakSince else { return }
        let sorted = kinds.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map {
            APIOutage.Kind(kind: $0.key, count: $0.value)
        }
        gaveUp = APIOutage(since: since, failures: streakFailures, ids: streakIDs.count, kinds: sorted)
    }
}
