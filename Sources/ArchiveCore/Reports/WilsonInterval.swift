import Foundation

/// The 95% Wilson score interval of a proportion (docs/reports.md, "Rates
/// and their intervals"): where the true rate lies, given `successes` out
/// of `trials`. Unlike p ± 1.96·SE it stays inside 0…1 and is honest for
/// small groups and for rates near 0 or 1 (Newcombe 1998, method 3).
public struct WilsonInterval: Equatable, Sendable {
    public let low: Double
    public let high: Double

    /// Fewer trials than this and a rate is marked as resting on few calls.
    public static let smallGroup = 30
    /// The normal quantile for 95%.
    public static let z95 = 1.959963984540054

    /// Nil without trials. Counts from outside (a file another tool wrote)
    /// are clamped: successes to 0…trials.
    public init?(successes: Int, trials: Int, z: Double = WilsonInterval.z95) {
        guard trials > 0 else { return nil }
        let n = Double(trials)
        let p = Double(min(max(successes, 0), trials)) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let center = (p + z2 / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / denominator
        low = max(0, center - half)
        high = min(1, center + half)
    }

    /// Half the interval's width in percentage points: the table's `±1.9`.
    public var halfWidthPoints: Double { (high - low) * 50 }
}
