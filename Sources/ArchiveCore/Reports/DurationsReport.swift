/// `report durations`: a histogram of completed calls' durations in readable
/// buckets, and the statistics of `report summary`.
public struct DurationsReport: Equatable, Sendable {
    public struct Bucket: Equatable, Sendable {
        /// Inclusive lower bound, seconds.
        public var from: Int64
        /// Exclusive upper bound, seconds; nil for the last bucket.
        public var to: Int64?
        public var count: Int
    }

    /// Bucket edges in seconds: 0–10 s, 10–30 s, 30 s–1 m, 1–2 m, 2–5 m, 5–10 m, 10–30 m, 30 m and more.
    public static let edges: [Int64] = [0, 10, 30, 60, 120, 300, 600, 1800]

    public var buckets: [Bucket] = []
    public var stats = DurationStats()
    /// Completed calls whose duration is unknown (not in the histogram).
    public var unknown = 0

    /// Buckets and statistics from the histogram of known durations.
    package static func build(histogram: [(value: Int64, count: Int)], unknown: Int) -> DurationsReport {
        var report = DurationsReport()
        var counts = [Int](repeating: 0, count: edges.count)
        for (value, n) in histogram { counts[(edges.lastIndex { $0 <= value }) ?? 0] += n }
        report.buckets = edges.indices.map { i in Bucket(from: edges[i], to: i + 1 < edges.count ? edges[i + 1] : nil, count: counts[i]) }
        report.stats = DurationStats(histogram: histogram)
        report.unknown = unknown
        return report
    }
}
