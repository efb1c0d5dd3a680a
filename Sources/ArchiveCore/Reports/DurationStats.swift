/// Count, mean, nearest-rank percentiles and maximum of the durations
/// (seconds) of completed calls whose duration is known.
public struct DurationStats: Equatable, Sendable {
    public var count = 0
    public var mean: Double?
    public var p50: Int64?
    public var p90: Int64?
    public var p95: Int64?
    public var p99: Int64?
    public var max: Int64?

    public init() {}

    /// The statistics from a histogram of (duration, calls) in ascending
    /// duration order: the p-th percentile of n values is the value at
    /// 1-based rank ceil(p × n / 100). SQL groups the values (an index walk,
    /// no sort of every call); only distinct durations reach Swift.
    package init(histogram: [(value: Int64, count: Int)]) {
        count = histogram.reduce(0) { $0 + $1.count }
        guard count > 0 else { return }
        mean = Double(histogram.reduce(0.0) { $0 + Double($1.value) * Double($1.count) }) / Double(count)
        max = histogram.last?.value
        func percentile(_ p: Int) -> Int64? {
            let rank = (p * count + 99) / 100
            var seen = 0
            for bucket in histogram {
                seen += bucket.count
                if seen >= rank { return bucket.value }
            }
            return histogram.last?.value
        }
        p50 = percentile(50)
        p90 = percentile(90)
        p95 = percentile(95)
        p99 = percentile(99)
    }
}
