import Foundation

extension SVGChart {
    /// One value's rate and its 95% interval, for `intervals`.
    package struct Interval {
        package var label: String
        package var rate: Double?
        package var low: Double?
        package var high: Double?
        /// Final calls behind the rate: under 30 the dot is hollow.
        package var trials: Int
    }

    /// Small multiples of a rate: a row per value on one shared 0–100%
    /// axis, a dot at the rate and a whisker across its 95% interval, so
    /// values compare at a glance and a wide whisker shows a small group.
    package func intervals(_ rows: [Interval], xLabel: String) -> String {
        let left = 190.0
        let right = Self.width - Self.margin.right
        let plot = right - left
        let row = 24.0
        let top = Self.margin.top
        let height = top + Double(max(rows.count, 1)) * row + 48
        var body = ""
        for p in stride(from: 0.0, through: 1.0, by: 0.25) {
            let x = left + p * plot
            body +=
                "<line x1=\"\(Self.f(x))\" y1=\"\(Self.f(top))\" x2=\"\(Self.f(x))\" y2=\"\(Self.f(height - 44))\" stroke=\"\(Colour.grid)\"/>"
            body += "<text x=\"\(Self.f(x))\" y=\"\(Self.f(height - 28))\" text-anchor=\"middle\">\(Int(p * 100))%</text>"
        }
        for (i, r) in rows.enumerated() {
            let y = top + (Double(i) + 0.5) * row
            // A long value is cut so it never runs into the plot.
            let name = r.label.count > 24 ? String(r.label.prefix(23)) + "…" : r.label
            body += "<text x=\"\(Self.f(left - 10))\" y=\"\(Self.f(y + 4))\" text-anchor=\"end\">\(SafeText.html(name))</text>"
            guard let rate = r.rate else { continue }
            let tip =
                "\(SafeText.html(r.label)): \(Humanize.percent(rate))"
                + (r.low.map { low in r.high.map { " (95% \(Humanize.percent(low)) to \(Humanize.percent($0)))" } ?? "" } ?? "")
                + ", \(r.trials) final calls"
            if let low = r.low, let high = r.high {
                let (x1, x2) = (left + low * plot, left + high * plot)
                body +=
                    "<line x1=\"\(Self.f(x1))\" y1=\"\(Self.f(y))\" x2=\"\(Self.f(x2))\" y2=\"\(Self.f(y))\" stroke=\"\(Colour.line)\" stroke-width=\"2\"><title>\(tip)</title></line>"
                for x in [x1, x2] {
                    body +=
                        "<line x1=\"\(Self.f(x))\" y1=\"\(Self.f(y - 5))\" x2=\"\(Self.f(x))\" y2=\"\(Self.f(y + 5))\" stroke=\"\(Colour.line)\" stroke-width=\"2\"/>"
                }
            }
            let few = r.trials < WilsonInterval.smallGroup
            body +=
                "<circle cx=\"\(Self.f(left + rate * plot))\" cy=\"\(Self.f(y))\" r=\"5\" fill=\"\(few ? "#ffffff" : Colour.completed)\" stroke=\"\(Colour.completed)\" stroke-width=\"2\"><title>\(tip)</title></circle>"
        }
        body +=
            "<text x=\"\(Self.f(left + plot / 2))\" y=\"\(Self.f(height - 8))\" text-anchor=\"middle\" class=\"axis-label\">\(SafeText.html(xLabel))</text>"
        body += "<text x=\"\(Self.f(left))\" y=\"19\">● rate and its 95% interval · ○ fewer than \(WilsonInterval.smallGroup) final calls</text>"
        if rows.isEmpty { body += empty(height: height) }
        return svg(body, height: height)
    }

    /// A weekday × hour grid of a rate: a row per weekday (Monday first), a
    /// column per hour, each cell shaded from light (the lowest rate among
    /// cells with 30 or more final calls) to dark (the highest); a cell
    /// with fewer is drawn hatched-light with a dot, one without any is empty.
    package func heatmap(_ cells: [[(rate: Double?, trials: Int)]], rows rowNames: [String], xLabel: String) -> String {
        let left = 110.0
        let cellWidth = (Self.width - left - Self.margin.right) / 24
        let cellHeight = 30.0
        let top = 44.0
        let height = top + 7 * cellHeight + 74
        // Light to dark blue: readable in grey too, and printed.
        let ramp = ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
        let scale = RateScale(cells.flatMap { $0 }, steps: ramp.count)
        func colour(_ rate: Double) -> String { ramp[scale.step(rate)] }
        var body = ""
        for hour in 0..<24 where hour % 2 == 0 {
            body +=
                "<text x=\"\(Self.f(left + (Double(hour) + 0.5) * cellWidth))\" y=\"\(Self.f(top - 8))\" text-anchor=\"middle\">\(String(format: "%02d", hour))</text>"
        }
        for (d, name) in rowNames.enumerated() {
            let y = top + Double(d) * cellHeight
            body += "<text x=\"\(Self.f(left - 10))\" y=\"\(Self.f(y + cellHeight / 2 + 4))\" text-anchor=\"end\">\(SafeText.html(name))</text>"
            for (hour, cell) in (d < cells.count ? cells[d] : []).enumerated() {
                let x = left + Double(hour) * cellWidth
                guard let rate = cell.rate else { continue }
                let few = cell.trials < WilsonInterval.smallGroup
                body +=
                    "<rect x=\"\(Self.f(x + 1))\" y=\"\(Self.f(y + 1))\" width=\"\(Self.f(cellWidth - 2))\" height=\"\(Self.f(cellHeight - 2))\" fill=\"\(few ? "#f7f7f7" : colour(rate))\">"
                body +=
                    "<title>\(SafeText.html(name)) \(String(format: "%02d:00", hour)): \(Humanize.percent(rate)) of \(cell.trials) final calls</title></rect>"
                if few {
                    body +=
                        "<circle cx=\"\(Self.f(x + cellWidth / 2))\" cy=\"\(Self.f(y + cellHeight / 2))\" r=\"2\" fill=\"\(Colour.other)\"/>"
                }
            }
        }
        // The legend: each shade's lowest rate.
        let legendY = top + 7 * cellHeight + 18
        for (i, shade) in ramp.enumerated() {
            let x = left + Double(i) * 95
            body += "<rect x=\"\(Self.f(x))\" y=\"\(Self.f(legendY))\" width=\"16\" height=\"16\" fill=\"\(shade)\" stroke=\"\(Colour.grid)\"/>"
            body += "<text x=\"\(Self.f(x + 22))\" y=\"\(Self.f(legendY + 13))\">\(Humanize.percent(scale.from(i)))+</text>"
        }
        body +=
            "<text x=\"\(Self.f(left + 6 * 95))\" y=\"\(Self.f(legendY + 13))\">· fewer than \(WilsonInterval.smallGroup) final calls</text>"
        body +=
            "<text x=\"\(Self.f(left + 12 * cellWidth))\" y=\"\(Self.f(height - 12))\" text-anchor=\"middle\" class=\"axis-label\">\(SafeText.html(xLabel))</text>"
        if cells.allSatisfy({ $0.allSatisfy { $0.rate == nil } }) { body += empty(height: height) }
        return svg(body, height: height)
    }
}
