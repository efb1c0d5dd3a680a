import Foundation

/// Two rates compared (docs/reports.md, "Compare"): the difference of
/// k₁/n₁ and k₂/n₂, its 95% interval by Newcombe's hybrid score method
/// (1998, method 10: built from each rate's Wilson interval, so it stays
/// honest for small groups and rates near 0 or 1), and the two-sided
/// p-value of the pooled two-proportion z-test — how often a difference at
/// least this large would appear by chance if both groups had the same rate.
public struct TwoProportions: Equatable, Sendable {
    /// p₁ − p₂, as a fraction.
    public let difference: Double
    public let low: Double
    public let high: Double
    /// Nil when the test says nothing: every call in both groups succeeded, or none did.
    public let pValue: Double?

    /// Nil unless both groups have trials. Counts are clamped to 0…trials.
    public init?(_ k1: Int, of n1: Int, vs k2: Int, of n2: Int) {
        guard let w1 = WilsonInterval(successes: k1, trials: n1), let w2 = WilsonInterval(successes: k2, trials: n2) else { return nil }
        let (x1, x2) = (Double(min(max(k1, 0), n1)), Double(min(max(k2, 0), n2)))
        let (m1, m2) = (Double(n1), Double(n2))
        let p1 = x1 / m1
        let p2 = x2 / m2
        difference = p1 - p2
        low = difference - ((p1 - w1.low) * (p1 - w1.low) + (w2.high - p2) * (w2.high - p2)).squareRoot()
        high = difference + ((w1.high - p1) * (w1.high - p1) + (p2 - w2.low) * (p2 - w2.low)).squareRoot()
        let pooled = (x1 + x2) / (m1 + m2)
        let se = (pooled * (1 - pooled) * (1 / m1 + 1 / m2)).squareRoot()
        if se > 0 {
            let z = abs(difference) / se
            // 2 × (1 − Φ(|z|)) = erfc(|z| / √2).
            pValue = erfc(z / 2.0.squareRoot())
        } else {
            pValue = nil
        }
    }

    /// How a person should read it: "very unlikely to be chance" (p < 0.01),
    /// "unlikely to be chance" (p < 0.05), else "could well be chance".
    public var verdict: String {
        guard let pValue else { return "no difference to test" }
        if pValue < 0.01 { return "very unlikely to be chance" }
        if pValue < 0.05 { return "unlikely to be chance" }
        return "could well be chance"
    }

    /// `completion +2.9 points, 95% CI +0.8 to +5.0, unlikely to be chance (p = 0.006)`.
    public func words(_ measure: String) -> String {
        func points(_ x: Double) -> String {
            let text = String(format: "%+.1f", x * 100)
            return text == "-0.0" ? "+0.0" : text
        }
        let p = pValue.map { $0 < 0.001 ? "p < 0.001" : String(format: "p = %.3f", $0) }
        return "\(measure) \(points(difference)) points, 95% CI \(points(low)) to \(points(high)), \(verdict)" + (p.map { " (\($0))" } ?? "")
    }
}
