/// Count, mean, nearest-rank percentiles and maximum of call durations (seconds).
public struct DurationStats: Equatable, Sendable {
    public var count = 0
    public var mean: Double?
    public var p50: Int64?
    public var p90: Int64?
    public var p95: Int64?
    public var p99: Int64?
    public var max: Int64?

    public init() {}
}
