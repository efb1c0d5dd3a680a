extension DurationsReport {
    /// `report durations` as printed: the histogram and the statistics. In
    /// CSV one metric,value table whose names follow the JSON (`buckets.FROM_TO`,
    /// then `count`, `unknown`, `mean`, the percentiles, `max`), in its order.
    public func rendered(_ o: RenderOptions) -> String {
        let total = max(1, buckets.reduce(0) { $0 + $1.count })
        var histogram = TextTable(
            title: "Completed calls by duration", columns: ["from_seconds", "to_seconds", "range", "calls", "share"] + (o.bars ? [""] : []))
        histogram.rows = buckets.map { b in
            let range =
                b.to.map { "\(Humanize.duration(Double(b.from)))–\(Humanize.duration(Double($0)))" } ?? "\(Humanize.duration(Double(b.from))) +"
            let share = Double(b.count) / Double(total)
            return [.int(b.from), .int(b.to), .text(range), .int(b.count), .rate(share)] + (o.bars ? [.bar(share)] : [])
        }
        let s = stats
        let metrics: [(String, TextTable.Cell, Any)] = [
            ("count", .int(s.count), s.count), ("unknown", .int(unknown), unknown), ("mean", .seconds(s.mean), JSONOutput.orNull(s.mean)),
            ("p50", .seconds(s.p50), JSONOutput.orNull(s.p50)), ("p90", .seconds(s.p90), JSONOutput.orNull(s.p90)),
            ("p95", .seconds(s.p95), JSONOutput.orNull(s.p95)), ("p99", .seconds(s.p99), JSONOutput.orNull(s.p99)),
            ("max", .seconds(s.max), JSONOutput.orNull(s.max)),
        ]
        var statistics = TextTable(title: "Statistics", columns: ["metric", "value"])
        // People read words; CSV keeps the JSON keys.
        statistics.rows = metrics.map { [.text(o.format == .csv ? $0.0 : ColumnTitle.of($0.0)), $0.1] }
        if o.format == .csv {
            statistics.rows = buckets.map { b in [.text("buckets.\(b.from)_\(b.to.map(String.init) ?? "inf")"), .int(b.count)] } + statistics.rows
        }
        let bucketColumns = ReportColumns<Bucket>([.int("from", \.from), .int("to", \.to), .int("calls", \.count)])
        let json = JSONObject([("buckets", bucketColumns.json(buckets) as Any)] + metrics.map { ($0.0, $0.2) })
        return o.emit(o.format == .csv ? [statistics] : [histogram, statistics], json: json)
    }
}
