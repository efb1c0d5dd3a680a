import Foundation

extension AnomaliesReport {
    package static var columns: ReportColumns<Anomaly> {
        ReportColumns([
            .text("severity", \.severity.rawValue), .text("kind", \.kind.rawValue), .text("subject", \.subject),
            .text("detail", \.detail), .text("action", \.action),
        ])
    }

    /// `report anomalies` as printed. JSON is the list of findings (five
    /// keys each, docs/reports.md); CSV and Markdown one row per finding. A
    /// person's table is a line saying what was judged, then each finding
    /// as a block: its severity, kind and subject, the detail, the action.
    public func rendered(_ o: RenderOptions) -> String {
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
        for f in findings {
            let severity = f.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            out += "\n\(severity)\(f.kind.rawValue.padding(toLength: kindWidth + 2, withPad: " ", startingAt: 0))\(SafeText.escape(f.subject))\n"
            out += "    \(SafeText.escape(f.detail))\n    → \(SafeText.escape(f.action))\n"
        }
        return out
    }

}
