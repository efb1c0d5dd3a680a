extension DurationsReport {
    /// `report durations` as printed: the histogram and the statistics; in CSV one metric,value table.
    public func rendered(_ o: RenderOptions) -> String {
        let total = max(1, buckets.reduce(0) { $0 + $1.count })
        var histogram = TextTable(title: "Completed calls by duration", columns: ["from_seconds", "to_seconds", "range", "calls", "share", ""])
        histogram.rows = buckets.map { b in
            let range = b.to.map { "\(Humanize.duration(Double(b.from)))–\(Humanize.duration(Double($0)))" } ?? "\(Humanize.duration(Double(b.from))) +"
            let share = Double(b.count) / Double(total)
            return [.int(b.from), .int(b.to), .text(range), .int(b.count), .rate(share), .text(Humanize.bar(share, width: 20))]
        }
        let s = stats
        var statistics = TextTable(title: "Statistics", columns: ["metric", "value"])
        statistics.rows = [("count", TextTable.Cell.int(s.count)), ("unknown", .int(unknown)), ("mean", .seconds(s.mean)), ("p50", .seconds(s.p50)),
                           ("p90", .seconds(s.p90)), ("p95", .seconds(s.p95)), ("p99", .seconds(s.p99)), ("max", .seconds(s.max))].map { [.text($0.0), $0.1] }
        if o.format == .csv {
            // Bucket rows are named by their bounds in seconds.
            statistics.rows += buckets.map { b in [.text("bucket_\(b.from)_\(b.to.map(String.init) ?? "inf")"), .int(b.count)] }
        }
        return o.emit(o.format == .csv ? [statistics] : [histogram, statistics], json: [
            "buckets": buckets.map { ["from": $0.from, "to": JSONOutput.orNull($0.to), "calls": $0.count] },
            "count": s.count, "unknown": unknown, "mean": JSONOutput.orNull(s.mean), "p50": JSONOutput.orNull(s.p50),
            "p90": JSONOutput.orNull(s.p90), "p95": JSONOutput.orNull(s.p95), "p99": JSONOutput.orNull(s.p99), "max": JSONOutput.orNull(s.max),
        ] as [String: Any])
    }
}
