import FuseAPI

/// History only moves forward (docs/reliability.md): which of two answers
/// about one call is the older. An older answer is kept in `call_snapshots`
/// but changes neither `calls` nor `call_events`. Archive, import and
/// rebuild all decide with this one rule.
package enum HistoryOrder {
    /// True when `candidate` describes an earlier state of the call than
    /// `current`: a final call never returns to in progress (and reaching a
    /// final status is always a step forward); otherwise the newest event
    /// timestamp decides (no timestamp counts as earliest; equal ones are not
    /// older, so a correction at the same moment lands).
    package static func isOlder(_ candidate: CallStatus, than current: CallStatus) -> Bool {
        if current.isFinal != candidate.isFinal { return current.isFinal }
        let a = newestEvent(candidate)
        let b = newestEvent(current)
        switch (a, b) {
        case (let a?, let b?): return a < b
        case (nil, _?): return true
        default: return false
        }
    }

    package static func newestEvent(_ s: CallStatus) -> Int64? { s.events.compactMap(\.timestamp).max() }
}
