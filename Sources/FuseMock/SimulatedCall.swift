/// One synthetic outbound call: its whole life, decided up front from the
/// seed, and shown as far as the simulated clock has reached.
public struct SimulatedCall: Sendable {
    public struct Event: Sendable, Equatable {
        public let event: String
        public let timestamp: Int64
    }

    public struct State: Sendable, Equatable {
        public let status: String
        public let attempts: Int
        public let events: [Event]
        public let startTimestamp: Int64?
        public let endTimestamp: Int64?
        public let lastAttemptTimestamp: Int64?
        public let duration: Int?
        public var isFinal: Bool { Self.finalStatuses.contains(status) }
    }

    public let id: String
    public let phoneNumber: String
    public let maxAttempts: Int
    public let reattemptWait: Int
    public let queuedTimestamp: Int64
    /// A field outside the documented set, sent by some calls (clients must keep it in the raw body).
    public let extraField: (name: String, value: String)?
    /// Every event the call will ever have, in time order.
    let timeline: [Event]
    /// The status once the timeline has played out.
    let finalStatus: String

    /// Generates call number `index` of the set made from `seed`, queued
    /// within the `days` before `epoch` (a few up to a day after it).
    init(index: Int, seed: UInt64, epoch: Int64, days: Int) {
        var rng = SplitMix64(seed: seed &* 0x100_0000_01B3 ^ UInt64(index))
        id = "call-\(String(index, radix: 10).leftPadded(to: 7))"
        phoneNumber = "617" + String(Int.random(in: 2_000_000...9_999_999, using: &rng))
        maxAttempts = Int.random(in: 1...3, using: &rng)
        reattemptWait = [300, 600, 900, 1800][Int.random(in: 0...3, using: &rng)]
        // 95% queued over the past `days`, 5% scheduled up to a day ahead.
        let offset = Int64.random(in: 0...(Int64(days) * 86_400), using: &rng)
        queuedTimestamp = Double.random(in: 0..<1, using: &rng) < 0.95 ? epoch - offset : epoch + offset / Int64(days)
        extraField = Double.random(in: 0..<1, using: &rng) < 0.05 ? ("caller_id", "'6175550100'") : nil

        var events = [Event(event: "queued", timestamp: queuedTimestamp)]
        var t = queuedTimestamp
        var outcome = "failed"
        let roll = Double.random(in: 0..<1, using: &rng)
        if roll < 0.02 {
            outcome = "rejected"  // an invalid number: refused at once, never dialled
        } else {
            let cancelAttempt = roll < 0.07 ? Int.random(in: 1...maxAttempts, using: &rng) : 0
            for attempt in 1...maxAttempts {
                if attempt == cancelAttempt {
                    t += Int64.random(in: 1...120, using: &rng)
                    events.append(Event(event: "canceled", timestamp: t))
                    outcome = "canceled"
                    break
                }
                t += Int64.random(in: 1...5, using: &rng)
                events.append(Event(event: "dialing", timestamp: t))
                t += Int64.random(in: 3...40, using: &rng)
                if Double.random(in: 0..<1, using: &rng) < 0.6 {
                    events.append(Event(event: "connected", timestamp: t))
                    t += Int64.random(in: 2...600, using: &rng)
                    events.append(Event(event: "disconnected", timestamp: t))
                    outcome = "completed"
                    break
                }
                events.append(Event(event: "disconnected", timestamp: t))
                if attempt < maxAttempts {
                    t += Int64(reattemptWait)
                    events.append(Event(event: "queued", timestamp: t))
                }
            }
        }
        timeline = events
        finalStatus = outcome
    }

    /// The call as the API shows it at `now`.
    public func state(at now: Int64) -> State {
        let visible = timeline.prefix { $0.timestamp <= now }
        guard let last = visible.last else {
            return State(status: "queued", attempts: 0, events: [], startTimestamp: nil, endTimestamp: nil, lastAttemptTimestamp: nil, duration: nil)
        }
        let attempts = visible.filter { $0.event == "dialing" }.count
        let lastDial = visible.last { $0.event == "dialing" }?.timestamp
        let connected = visible.last { $0.event == "connected" }?.timestamp
        let done = visible.count == timeline.count
        let status: String
        switch last.event {
        case "disconnected" where done: status = finalStatus
        case "disconnected": status = "queued"  // waiting for the next attempt
        case "canceled": status = "canceled"
        case "queued" where done && finalStatus == "rejected": status = "rejected"
        default: status = last.event
        }
        var end: Int64?
        var duration: Int?
        if let connected, status == "completed" {
            end = last.timestamp
            duration = Int(last.timestamp - connected)
        } else if State.finalStatuses.contains(status) {
            end = last.timestamp
        }
        return State(
            status: status, attempts: attempts, events: Array(visible), startTimestamp: connected,
            endTimestamp: end, lastAttemptTimestamp: lastDial, duration: duration)
    }
}

extension SimulatedCall.State {
    static let finalStatuses: Set<String> = ["completed", "failed", "canceled", "rejected"]
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
