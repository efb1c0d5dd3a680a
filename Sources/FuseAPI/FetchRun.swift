import Curl

/// The state machine of one `fetch`: ids in progress, retries waiting, the
/// rate limiter, the budgets and the counts. It never reads the wall clock
/// or a random source itself — both are handed in — so every path (retry,
/// `Retry-After`, budget, 401) is tested on a fake clock without sleeping.
struct FetchRun {
    struct Active {
        let id: String
        var attempts = 0
        var readyAt: ContinuousClock.Instant?
        var answered = false
        var everReachable = false
        /// Why the last attempt failed, while the id waits for a retry.
        var lastFailure: FetchFailure?
        /// What this id has waited on `Retry-After` so far.
        var retryAfterWaited: Duration = .zero
    }

    let configuration: FuseClient.Configuration
    let client: FuseClient
    var ids: () -> IDSupply
    let clock: () -> ContinuousClock.Instant
    /// A uniform draw from the range (backoff jitter).
    let random: (ClosedRange<Int64>) -> Int64
    var idsExhausted = false
    var slots: [Int: Active] = [:]
    var nextSlot = 0
    var waiting: [Int] = []  // slots waiting for a retry
    var limiter: RateLimiter?
    var summary = FetchSummary()
    /// When the caller asked the run to finish (`draining`); transfers still
    /// in flight a grace period later are abandoned.
    var drainingSince: ContinuousClock.Instant?
    /// Stops the run when the API looks down (docs/reliability.md, "API outages").
    var breaker: OutageBreaker

    init(
        configuration: FuseClient.Configuration, ids: @escaping () -> IDSupply, clock: @escaping () -> ContinuousClock.Instant,
        random: @escaping (ClosedRange<Int64>) -> Int64
    ) {
        self.configuration = configuration
        self.client = FuseClient(configuration)
        self.ids = ids
        self.clock = clock
        self.random = random
        self.limiter = configuration.ratePerSecond.map(RateLimiter.init(perSecond:))
        self.breaker = OutageBreaker(giveUpAfter: configuration.giveUpAfter, concurrency: configuration.concurrency)
    }

    var budgetLeft: Bool {
        if let max = configuration.maxRequests, summary.requests >= max { return false }
        if let deadline = configuration.deadline, clock() >= deadline { return false }
        return true
    }

    /// Stop starting requests (retries included); what is in flight may finish.
    mutating func drain(now: ContinuousClock.Instant) {
        guard drainingSince == nil else { return }
        drainingSince = now
        summary.interrupted = true
    }

    /// True at the deadline (`--max-runtime`): transfers still in flight are
    /// cancelled then, so a run never overshoots its budget by a timeout.
    mutating func cutAtDeadline(now: ContinuousClock.Instant) -> Bool {
        guard let deadline = configuration.deadline, now >= deadline, !summary.stoppedAtOnce, drainingSince == nil else { return false }
        if !slots.isEmpty || !idsExhausted { summary.budgetExhausted = true }
        return true
    }

    /// True once the grace period of a drain has passed.
    func graceOver(now: ContinuousClock.Instant) -> Bool {
        drainingSince.map { now - $0 >= configuration.drainGrace } ?? false
    }

    mutating func pull(now: ContinuousClock.Instant) -> CurlMulti<Int>.Pull {
        guard !summary.stoppedAtOnce, drainingSince == nil else { return .idle }
        guard budgetLeft else {
            summary.budgetExhausted = summary.budgetExhausted || !idsExhausted || !waiting.isEmpty
            return .idle
        }
        if breaker.gaveUp != nil { return .idle }
        if let gate = limiter?.earliestStart(), gate > now { return .wait(until: gate) }
        if breaker.isOpen, !idsExhausted { return probe(now: now) }

        // Retries first: they are older work.
        if let index = oldestWaiting {
            let slot = waiting[index]
            let readyAt = slots[slot]!.readyAt!
            if readyAt <= now {
                waiting.remove(at: index)
                return start(slot: slot, now: now)
            }
            if !canTakeNewID { return .wait(until: readyAt) }
            if let started = startNextID(now: now) { return started }
            return .wait(until: waitingForIDs ? min(readyAt, now + Self.supplyPoll) : readyAt)
        }
        if canTakeNewID, let started = startNextID(now: now) { return started }
        if waitingForIDs { return .wait(until: now + Self.supplyPoll) }
        return .idle
    }

    /// While the breaker is open: one request at a time, when it says so —
    /// the oldest retry waiting, else the next id.
    mutating func probe(now: ContinuousClock.Instant) -> CurlMulti<Int>.Pull {
        guard let gate = breaker.probeGate(now: now) else { return .idle }  // a probe is in flight
        if gate > now { return .wait(until: gate) }
        if let index = oldestWaiting {
            let slot = waiting.remove(at: index)
            breaker.probing(slot: slot)
            return start(slot: slot, now: now)
        }
        if !idsExhausted, let started = startNextID(now: now) {
            if case .start(let slot, _) = started { breaker.probing(slot: slot) }
            return started
        }
        return waitingForIDs ? .wait(until: now + Self.supplyPoll) : .idle
    }

    /// The index in `waiting` of the retry due first.
    var oldestWaiting: Int? { waiting.indices.min { slots[waiting[$0]]!.readyAt! < slots[waiting[$1]]!.readyAt! } }

    /// How soon to ask again when the supply has no id ready yet.
    static let supplyPoll: Duration = .milliseconds(5)
    /// The supply said "not yet" at the last ask.
    var waitingForIDs = false

    /// Ids waiting for a retry hold their place, so a server that keeps
    /// failing slows the whole run instead of piling up work.
    var canTakeNewID: Bool { !idsExhausted && slots.count < configuration.concurrency * 2 }

    mutating func startNextID(now: ContinuousClock.Instant) -> CurlMulti<Int>.Pull? {
        let id: String
        switch ids() {
        case .id(let next):
            id = next
            waitingForIDs = false
        case .notYet:
            waitingForIDs = true
            return nil
        case .end:
            idsExhausted = true
            waitingForIDs = false
            return nil
        }
        let slot = nextSlot
        nextSlot += 1
        slots[slot] = Active(id: id)
        return start(slot: slot, now: now)
    }

    mutating func start(slot: Int, now: ContinuousClock.Instant) -> CurlMulti<Int>.Pull {
        slots[slot]!.attempts += 1
        slots[slot]!.readyAt = nil
        summary.requests += 1
        limiter?.recordStart(at: now)
        return .start(slot, client.request(for: slots[slot]!.id))
    }

    mutating func complete(slot: Int, result: Result<CurlResponse, CurlError>, now: ContinuousClock.Instant) -> FetchResult? {
        guard var active = slots[slot] else { return nil }
        // After a 401 nothing more is reported: transfers that finished in the
        // same instant are abandoned with the rest.
        guard !summary.stoppedAtOnce else { return nil }
        var retryAfter: Duration?
        let failure: FetchFailure
        switch result {
        case .success(let response):
            summary.connections += response.connectionsOpened
            active.answered = true
            active.everReachable = true
            if (500...599).contains(response.status) {
                breaker.failed(id: active.id, slot: slot, kind: "HTTP \(response.status)", active: slots.count, allRead: idsExhausted, now: now)
            } else {
                breaker.answered()
            }
            let message = { StatusDecoder.errorMessage(response.body) ?? "HTTP \(response.status)" }
            if let foreign = ForeignAnswer.problem(
                status: response.status, contentType: response.header("Content-Type"), body: response.body, location: response.header("Location"))
            {
                summary.stoppedByMisconfiguration = true
                return finish(slot: slot, active, .misconfigured(message: foreign))
            }
            switch response.status {
            case 200:
                do {
                    let status = try StatusDecoder.decode(response.body, format: configuration.format)
                    return finish(slot: slot, active, .found(status))
                } catch {
                    failure = FetchFailure(reason: "malformed body: \(error)", httpStatus: 200, malformed: true)
                }
            case 401:
                summary.stoppedByUnauthorized = true
                return finish(slot: slot, active, .unauthorized(message: message()))
            case 403: return finish(slot: slot, active, .forbidden(message: message()))
            case 404: return finish(slot: slot, active, .notFound(message: message()))
            case 429, 500...599:
                retryAfter = RetryPolicy.parseRetryAfter(response.header("Retry-After"))
                failure = FetchFailure(reason: "HTTP \(response.status): \(message())", httpStatus: response.status)
            default:
                // Another 4xx will not change on retry: report it as it is.
                return finish(slot: slot, active, .failed(FetchFailure(reason: "HTTP \(response.status): \(message())", httpStatus: response.status)))
            }
        case .failure(let error):
            if !error.isUnreachable { active.everReachable = true }
            if error.kind == .bodyTooLarge {
                breaker.answered()
                return finish(slot: slot, active, .failed(FetchFailure(reason: error.message, httpStatus: nil)))
            }
            breaker.failed(id: active.id, slot: slot, kind: error.kind.outageWords, active: slots.count, allRead: idsExhausted, now: now)
            failure = FetchFailure(
                reason: error.isUntrustedCertificate ? "certificate not trusted (\(error.message))" : error.message,
                httpStatus: nil, unreachable: !active.everReachable, untrustedCertificate: error.isUntrustedCertificate)
        }
        guard active.attempts <= configuration.retry.retries else {
            return finish(slot: slot, active, .failed(failure))
        }
        if let retryAfter {
            // A wait past the id's or the run's cap is not waited: the id is
            // the next run's, and the API is left alone meanwhile.
            let policy = configuration.retry
            if active.retryAfterWaited + retryAfter > policy.maxRetryAfter || summary.retryAfterWaited + retryAfter > policy.maxRetryAfterPerRun {
                return finish(slot: slot, active, .deferred(retryAfter: retryAfter))
            }
            active.retryAfterWaited += retryAfter
            summary.retryAfterWaited += retryAfter
        }
        active.readyAt = now + configuration.retry.delay(beforeRetry: active.attempts, retryAfter: retryAfter, random: random)
        active.lastFailure = failure
        slots[slot] = active
        waiting.append(slot)
        return nil
    }

    mutating func finish(slot: Int, _ active: Active, _ outcome: FetchOutcome) -> FetchResult {
        slots[slot] = nil
        breaker.forget(slot: slot)
        summary.delivered += 1
        if active.answered { summary.answered += 1 }
        return FetchResult(callID: active.id, outcome: outcome, requests: active.attempts)
    }

    /// Ends the run. An id whose last attempt failed and whose retry a
    /// budget or the circuit breaker cut off is a failure, not work left
    /// over: a server that accepts and never answers must not end a
    /// `--max-runtime` run as a success (docs/reliability.md, "Budgets").
    /// Those ids are returned, to be delivered as failed; the rest in flight
    /// or waiting are abandoned. After a 401 or a foreign answer, or a
    /// drain, nothing more is reported.
    mutating func finish() -> [FetchResult] {
        var cutOff: [FetchResult] = []
        summary.outage = breaker.gaveUp
        let why =
            summary.outage != nil
            ? "the API looked down and the run gave up (--give-up-after)" : "the run's budget (--max-runtime or --max-requests) ended first"
        if summary.budgetExhausted || summary.outage != nil, !summary.stoppedAtOnce, drainingSince == nil {
            // Waiting for its retry, or retrying when the deadline cancelled it.
            for slot in slots.keys.sorted() {
                guard let active = slots[slot], let failure = active.lastFailure else { continue }
                let reason = failure.reason + "; not retried: \(why)"
                let cut = FetchFailure(
                    reason: reason, httpStatus: failure.httpStatus, unreachable: failure.unreachable,
                    malformed: failure.malformed, untrustedCertificate: failure.untrustedCertificate)
                cutOff.append(finish(slot: slot, active, .failed(cut)))
            }
        }
        summary.abandoned = slots.count
        return cutOff
    }
}
