extension Duration {
    /// Whole milliseconds, for the C interfaces that take them (curl's
    /// timeouts, poll waits, backoff jitter); saturates instead of trapping.
    public var wholeMilliseconds: Int64 {
        let (ms, overflow) = components.seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return components.seconds < 0 ? .min : .max }
        return ms.addingReportingOverflow(components.attoseconds / 1_000_000_000_000_000).partialValue
    }
}
