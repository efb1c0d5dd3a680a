import Foundation

extension AnomaliesReport {
    package static var columns: ReportColumns<Anomaly> {
        ReportColumns([
            .text("severity", \.severity.rawValue), .text("kind", \.kind.rawValue), .text("subject", \.subject),
            .text("detail", \.detail), .text("action", \.action),
        ])
    }

    /// Beyond this many findings of one severity and kind, a table shows
    /// them as one group (docs/reports.md, "Anomalies").
    public static let groupedAbove = 5
    /// The subjects a group names as examples.
    static let examples = 5

    /// `report anomalies` as printed. JSON is the list of findings (five
    /// keys each, docs/reports.md); CSV and Markdown one row per finding. A
    /// person's table is a line saying what was judged, then each finding
    /// as a block: its severity, kind and subject, the detail, the action.
    /// More than `groupedAbove` findings of one severity and kind (222 stuck
    /// calls) are one block: the count, the oldest in full, a few examples
    /// and how to list them all; `all` lists every one.
    public func rendered(_ o: RenderOptions, all: Bool = false) -> String {
        guard o.format == .table else { return o.emit([Self.columns.table(findings, o.format)], json: Self.columns.json(findings)) }
        let period = "calls queued \(Humanize.time(since, utc: o.utc)) to \(Humanize.time(until, utc: o.utc))"
        guard !findings.isEmpty else { return "No anomalies in \(period), nor in the archive now.\n" }
        let tally = Anomaly.Severity.allCases.compactMap { s -> String? in
            let n = findings.count { $0.severity == s }
            return n == 0 ? nil : "\(n) \(s.rawValue)\(n == 1 ? "" : s == .info ? "" : "s")"
        }
        var out =
            "\(findings.count) finding\(findings.count == 1 ? "" : "s") (\(tally.joined(separator: ", "))) in \(period), and in the archive now.\n"
        let kindWidth = Anomaly.Kind.allCases.map(\.rawValue.count).max()!
        func head(_ f: Anomaly, _ subject: String) -> String {
            let severity = f.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            return "\n\(severity)\(f.kind.rawValue.padding(toLength: kindWidth + 2, withPad: " ", startingAt: 0))\(subject)\n"
        }
        // Findings come listed worst first, then by kind: a group is a run of equal pairs.
        var index = 0
        while index < findings.count {
            let first = findings[index]
            var end = index + 1
            while end < findings.count && findings[end].severity == first.severity && findings[end].kind == first.kind { end += 1 }
            let group = findings[index..<end]
            if all || group.count <= Self.groupedAbove {
                for f in group {
                    out += head(f, SafeText.escape(f.subject))
                    out += "    \(SafeText.escape(f.detail))\n    → \(SafeText.escape(f.action))\n"
                }
            } else {
                // The oldest by when it began (those without a time last), then by subject.
                let oldest = group.min { a, b in
                    switch (a.since, b.since) {
                    case (let x?, let y?) where x != y: x < y
                    case (.some, .none): true
                    case (.none, .some): false
                    default: a.subject < b.subject
                    }
                }!
                let others = group.filter { $0.subject != oldest.subject }
                let examples = others.prefix(Self.examples).map { SafeText.escape($0.subject) }
                let more = others.count - examples.count
                out += head(first, "\(group.count) \(first.kind.noun); the oldest:")
                out += "    \(SafeText.escape(oldest.subject)): \(SafeText.escape(oldest.detail))\n"
                out += "    → \(SafeText.escape(oldest.action))\n"
                out += "    Also: \(examples.joined(separator: ", "))\(more > 0 ? " and \(more) more" : ""); "
                out += "every one with --all, or --format csv|json.\n"
            }
            index = end
        }
        return out
    }

}

extension Anomaly.Kind {
    /// What the subjects of a group of this kind are, plural.
    var noun: String {
        switch self {
        case .archiveStale: "archives"
        case .volumeDrop, .completionDrop: "days"
        case .stuckCall: "stuck calls"
        case .repeatedFailure: "ids failing"
        case .finalStatusChanged: "calls whose final status changed"
        case .impossibleData: "calls with impossible data"
        }
    }
}
