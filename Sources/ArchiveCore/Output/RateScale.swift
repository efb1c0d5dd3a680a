/// How a heatmap shades a rate (docs/reports.md, "Hours"): from the lowest
/// rate to the highest among the cells with enough final calls to trust
/// (`WilsonInterval.smallGroup`), in equal steps, so the best hours stand
/// out whatever the overall rate. The terminal's grid and the HTML report's
/// share it.
package struct RateScale {
    package let low: Double
    package let high: Double
    package let steps: Int

    /// Over `cells`' (rate, final calls); 0 to 100% when none has enough.
    package init(_ cells: [(rate: Double?, trials: Int)], steps: Int) {
        let solid = cells.filter { $0.trials >= WilsonInterval.smallGroup }.compactMap(\.rate)
        low = solid.min() ?? 0
        high = solid.max() ?? 1
        self.steps = steps
    }

    /// The step of `rate`: 0 (lowest) … steps − 1 (highest).
    package func step(_ rate: Double) -> Int {
        let level = high > low ? Int(((rate - low) / (high - low) * Double(steps)).rounded(.down)) : steps - 1
        return max(0, min(steps - 1, level))
    }

    /// The lowest rate of step `i`, for the legend.
    package func from(_ i: Int) -> Double { low + (high - low) * Double(i) / Double(steps) }
}
