/// One finding of `report anomalies` (docs/reports.md, "Anomalies"): how
/// bad, what kind, about what (a call id, a day, the archive), the numbers
/// a person can check, and what to do. The JSON keys are these five, in
/// this order; they are a stable interface for scripts.
public struct Anomaly: Equatable, Sendable {
    public enum Severity: String, CaseIterable, Comparable, Sendable {
        case error, warning, info

        /// error < warning < info: worst first when sorted.
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
        private var rank: Int { Self.allCases.firstIndex(of: self)! }

        /// Whether a finding of this severity meets `threshold` (`--fail-on`).
        public func isAtLeast(_ threshold: Severity) -> Bool { self <= threshold }
    }

    /// The kinds, in the order findings are listed.
    public enum Kind: String, CaseIterable, Sendable {
        case archiveStale = "archive_stale"
        case volumeDrop = "volume_drop"
        case completionDrop = "completion_drop"
        case stuckCall = "stuck_call"
        case repeatedFailure = "repeated_failure"
        case finalStatusChanged = "final_status_changed"
        case impossibleData = "impossible_data"

        /// Every severity a finding of this kind can have (the metrics file
        /// writes each pair, zeros included, so an alert clears).
        public var severities: [Severity] {
            switch self {
            case .archiveStale: [.error]
            case .volumeDrop: [.error, .warning]
            case .impossibleData: [.warning, .info]
            case .completionDrop, .stuckCall, .repeatedFailure, .finalStatusChanged: [.warning]
            }
        }
    }

    public var severity: Severity
    public var kind: Kind
    /// A call id, a day (`2026-11-20`), a run of days (`2026-11-20 to 2026-11-23`) or `archive`.
    public var subject: String
    public var detail: String
    public var action: String
    /// When what it reports began (a stuck call's last activity, a failing
    /// id's last fetch, a status change): a table that groups many findings
    /// of one kind names the oldest. Not one of the five keys.
    public var since: Int64?

    public init(_ severity: Severity, _ kind: Kind, subject: String, detail: String, action: String, since: Int64? = nil) {
        self.severity = severity
        self.kind = kind
        self.subject = subject
        self.detail = detail
        self.action = action
        self.since = since
    }

    /// Worst first, then in `Kind` order, then by subject: the same archive
    /// always lists the same findings in the same order.
    package static func listed(_ findings: [Anomaly]) -> [Anomaly] {
        let order = Dictionary(uniqueKeysWithValues: Kind.allCases.enumerated().map { ($1, $0) })
        // Positions are sorted, not the findings: moving a finding copies its
        // strings' references, and a busy archive has tens of thousands.
        let rank = findings.map { (severity: $0.severity, kind: order[$0.kind]!) }
        return findings.indices.sorted { i, j in
            if rank[i].severity != rank[j].severity { return rank[i].severity < rank[j].severity }
            if rank[i].kind != rank[j].kind { return rank[i].kind < rank[j].kind }
            if findings[i].subject != findings[j].subject { return findings[i].subject < findings[j].subject }
            return i < j
        }.map { findings[$0] }
    }
}
