import Foundation

/// The charts of `report html`, drawn as inline SVG by callhist itself: no
/// script, no font or library fetched, so the file reads the same offline,
/// attached to a mail or printed. Every chart has a title and a description
/// for screen readers, labelled axes with their units, a legend when it has
/// several series, and a tooltip (`<title>`) on every mark. Colours are the
/// Okabe–Ito palette, told apart by readers with any common colour-vision
/// deficiency, and each series is also named in the legend and tooltips.
package struct SVGChart {
    /// One series of a bar chart: its name, colour and a value per category.
    package struct Series {
        package var name: String
        package var colour: String
        package var values: [Double]
    }

    /// A vertical line at a position along the x axis (percentiles).
    package struct Marker {
        package var label: String
        /// 0…1 across the plot.
        package var position: Double
    }

    package static let width = 960.0
    package static let height = 320.0
    package static let margin = (top: 36.0, right: 64.0, bottom: 56.0, left: 64.0)
    package static var plotWidth: Double { width - margin.left - margin.right }
    package static var plotHeight: Double { height - margin.top - margin.bottom }

    package enum Colour {
        package static let completed = "#009E73", failed = "#D55E00", canceled = "#E69F00", rejected = "#CC79A7"
        package static let pending = "#56B4E9", line = "#0072B2", other = "#999999", ink = "#222222", grid = "#DDDDDD"

        /// The colour of a status, the same in every chart.
        package static func of(_ status: String) -> String {
            switch status {
            case "completed": completed
            case "failed": failed
            case "canceled": canceled
            case "rejected": rejected
            case "queued", "dialing", "connected", "pending": pending
            default: other
            }
        }
    }

    package let id: String
    package let title: String
    /// What the chart shows, read by screen readers.
    package let description: String

    /// Bars per category, the series stacked, with an optional line of
    /// fractions (0…1) on a second axis at the right.
    package func stackedBars(
        categories: [String], series: [Series], yLabel: String, xLabel: String,
        line: (name: String, values: [Double?])? = nil, markers: [Marker] = [], flagged: (name: String, categories: Set<Int>)? = nil,
        valueText: (Double) -> String = Self.count
    ) -> String {
        var body = ""
        let n = categories.count
        let totals = (0..<n).map { i in series.reduce(0) { $0 + (i < $1.values.count ? $1.values[i] : 0) } }
        let ticks = Self.ticks(max: totals.max() ?? 0)
        let top = ticks.last ?? 1
        let band = n > 0 ? Self.plotWidth / Double(n) : Self.plotWidth
        // Bars no wider than 48 px, centred in their band.
        let barWidth = max(min(band * 0.8, 48), 0.5)
        body += yAxis(ticks, label: yLabel, valueText: valueText)
        if let line { body += rightAxis(label: line.name) }
        for i in 0..<n {
            var y = Self.margin.top + Self.plotHeight
            let x = Self.margin.left + (Double(i) + 0.5) * band - barWidth / 2
            for s in series where i < s.values.count && s.values[i] > 0 {
                let h = s.values[i] / top * Self.plotHeight
                y -= h
                body += "<rect x=\"\(Self.f(x))\" y=\"\(Self.f(y))\" width=\"\(Self.f(barWidth))\" height=\"\(Self.f(h))\" fill=\"\(s.colour)\">"
                body += "<title>\(SafeText.html(categories[i])): \(valueText(s.values[i])) \(SafeText.html(s.name))</title></rect>"
            }
        }
        if let line {
            var segment: [String] = []
            func flush() {
                if segment.count > 1 {
                    body += "<polyline points=\"\(segment.joined(separator: " "))\" fill=\"none\" stroke=\"\(Colour.line)\" stroke-width=\"2\"/>"
                }
                segment = []
            }
            for i in 0..<n {
                guard i < line.values.count, let v = line.values[i] else {
                    flush()
                    continue
                }
                let x = Self.margin.left + (Double(i) + 0.5) * band
                let y = Self.margin.top + (1 - max(0, min(1, v))) * Self.plotHeight
                segment.append("\(Self.f(x)),\(Self.f(y))")
                body += "<circle cx=\"\(Self.f(x))\" cy=\"\(Self.f(y))\" r=\"3\" fill=\"\(Colour.line)\">"
                body += "<title>\(SafeText.html(categories[i])): \(SafeText.html(line.name)) \(Humanize.percent(v))</title></circle>"
            }
            flush()
        }
        // Labels one under the other: close percentiles would overlap.
        for (k, m) in markers.enumerated() {
            let x = Self.margin.left + max(0, min(1, m.position)) * Self.plotWidth
            body +=
                "<line x1=\"\(Self.f(x))\" y1=\"\(Self.f(Self.margin.top))\" x2=\"\(Self.f(x))\" y2=\"\(Self.f(Self.margin.top + Self.plotHeight))\" stroke=\"\(Colour.ink)\" stroke-dasharray=\"4 3\"/>"
            body +=
                "<text x=\"\(Self.f(x + 4))\" y=\"\(Self.f(Self.margin.top + 12 + Double(k) * 15))\" class=\"marker\">\(SafeText.html(m.label))</text>"
        }
        // Flagged categories (runs that did not exit 0): a mark above the bar.
        if let flagged {
            for i in flagged.categories.sorted() where i < n {
                let x = Self.margin.left + (Double(i) + 0.5) * band
                let y = Self.margin.top + (1 - totals[i] / top) * Self.plotHeight - 4
                body +=
                    "<path d=\"M\(Self.f(x - 6)) \(Self.f(y - 10)) L\(Self.f(x + 6)) \(Self.f(y - 10)) L\(Self.f(x)) \(Self.f(y)) Z\" fill=\"\(Colour.failed)\">"
                body += "<title>\(SafeText.html(categories[i])): \(SafeText.html(flagged.name))</title></path>"
            }
        }
        body += xAxis(categories, band: band, label: xLabel)
        var legend = series.map { ($0.name, $0.colour, false) }
        if let line { legend.append((line.name, Colour.line, true)) }
        if let flagged, !flagged.categories.isEmpty { legend.append(("▼ " + flagged.name, Colour.failed, false)) }
        body += self.legend(legend.count > 1 ? legend : [])
        if totals.allSatisfy({ $0 == 0 }) { body += empty() }
        return svg(body)
    }

    /// Horizontal bars, one per labelled value, each in its own colour.
    package func horizontalBars(_ bars: [(label: String, value: Double, colour: String)], xLabel: String) -> String {
        var body = ""
        let ticks = Self.ticks(max: bars.map(\.value).max() ?? 0)
        let top = ticks.last ?? 1
        let left = 150.0
        let plot = Self.width - left - Self.margin.right
        let row = bars.isEmpty ? Self.plotHeight : min(32, Self.plotHeight / Double(bars.count))
        for t in ticks {
            let x = left + t / top * plot
            body +=
                "<line x1=\"\(Self.f(x))\" y1=\"\(Self.f(Self.margin.top))\" x2=\"\(Self.f(x))\" y2=\"\(Self.f(Self.margin.top + Self.plotHeight))\" stroke=\"\(Colour.grid)\"/>"
            body += "<text x=\"\(Self.f(x))\" y=\"\(Self.f(Self.margin.top + Self.plotHeight + 16))\" text-anchor=\"middle\">\(Self.count(t))</text>"
        }
        for (i, bar) in bars.enumerated() {
            let y = Self.margin.top + Double(i) * row
            let w = bar.value / top * plot
            // Cut to the room left of the bars (the whole label is in the tooltip and the table).
            let room = Int((left - 12) / Self.characterWidth)
            let label = bar.label.count > room ? String(bar.label.prefix(room - 1)) + "…" : bar.label
            body += "<text x=\"\(Self.f(left - 8))\" y=\"\(Self.f(y + row * 0.65))\" text-anchor=\"end\">\(SafeText.html(label))</text>"
            body +=
                "<rect x=\"\(Self.f(left))\" y=\"\(Self.f(y + row * 0.15))\" width=\"\(Self.f(w))\" height=\"\(Self.f(row * 0.7))\" fill=\"\(bar.colour)\">"
            body += "<title>\(SafeText.html(bar.label)): \(Self.count(bar.value))</title></rect>"
            body += "<text x=\"\(Self.f(left + w + 6))\" y=\"\(Self.f(y + row * 0.65))\">\(Self.count(bar.value))</text>"
        }
        body +=
            "<text x=\"\(Self.f(left + plot / 2))\" y=\"\(Self.f(Self.height - 12))\" text-anchor=\"middle\" class=\"axis-label\">\(SafeText.html(xLabel))</text>"
        if bars.allSatisfy({ $0.value == 0 }) { body += empty() }
        return svg(body)
    }

    // MARK: Parts

    package func svg(_ body: String, height: Double = SVGChart.height) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(Self.width)) \(Int(height))" role="img" \
        aria-labelledby="\(id)-title \(id)-desc" id="\(id)"><title id="\(id)-title">\(SafeText.html(title))</title>\
        <desc id="\(id)-desc">\(SafeText.html(description))</desc>\(body)</svg>
        """
    }

    private func yAxis(_ ticks: [Double], label: String, valueText: (Double) -> String) -> String {
        let top = ticks.last ?? 1
        var out = ""
        for t in ticks {
            let y = Self.margin.top + (1 - t / top) * Self.plotHeight
            out +=
                "<line x1=\"\(Self.f(Self.margin.left))\" y1=\"\(Self.f(y))\" x2=\"\(Self.f(Self.margin.left + Self.plotWidth))\" y2=\"\(Self.f(y))\" stroke=\"\(Colour.grid)\"/>"
            out += "<text x=\"\(Self.f(Self.margin.left - 6))\" y=\"\(Self.f(y + 4))\" text-anchor=\"end\">\(valueText(t))</text>"
        }
        out +=
            "<text transform=\"translate(14 \(Self.f(Self.margin.top + Self.plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" class=\"axis-label\">\(SafeText.html(label))</text>"
        return out
    }

    private func rightAxis(label: String) -> String {
        var out = ""
        let x = Self.margin.left + Self.plotWidth
        for p in stride(from: 0.0, through: 1.0, by: 0.25) {
            let y = Self.margin.top + (1 - p) * Self.plotHeight
            out += "<text x=\"\(Self.f(x + 6))\" y=\"\(Self.f(y + 4))\" fill=\"\(Colour.line)\">\(Int(p * 100))%</text>"
        }
        out +=
            "<text transform=\"translate(\(Self.f(Self.width - 22)) \(Self.f(Self.margin.top + Self.plotHeight / 2))) rotate(90)\" text-anchor=\"middle\" class=\"axis-label\" fill=\"\(Colour.line)\">\(SafeText.html(label)) (%)</text>"
        return out
    }

    /// Category labels, thinned so that they never overlap: every k-th, k
    /// enough for the longest label's width (12 px text, 7.5 px a character
    /// at most, and a gap) to fit in k bands.
    private func xAxis(_ categories: [String], band: Double, label: String) -> String {
        let baseline = Self.margin.top + Self.plotHeight
        var out =
            "<line x1=\"\(Self.f(Self.margin.left))\" y1=\"\(Self.f(baseline))\" x2=\"\(Self.f(Self.margin.left + Self.plotWidth))\" y2=\"\(Self.f(baseline))\" stroke=\"\(Colour.ink)\"/>"
        let widest = Double(categories.map(\.count).max() ?? 0) * Self.characterWidth + 12
        let every = max(1, Int((widest / max(band, 0.1)).rounded(.up)))
        for (i, c) in categories.enumerated() where i % every == 0 {
            // Under its bar, but kept inside the chart: a long first or last
            // label would run off the edge.
            let half = Double(c.count) * Self.characterWidth / 2
            let x = min(max(Self.margin.left + (Double(i) + 0.5) * band, half + 2), Self.width - half - 2)
            out += "<text x=\"\(Self.f(x))\" y=\"\(Self.f(baseline + 19))\" text-anchor=\"middle\">\(SafeText.html(c))</text>"
        }
        out +=
            "<text x=\"\(Self.f(Self.margin.left + Self.plotWidth / 2))\" y=\"\(Self.f(Self.height - 12))\" text-anchor=\"middle\" class=\"axis-label\">\(SafeText.html(label))</text>"
        return out
    }

    private func legend(_ items: [(name: String, colour: String, isLine: Bool)]) -> String {
        var out = ""
        var x = Self.margin.left
        for item in items {
            out +=
                item.isLine
                ? "<line x1=\"\(Self.f(x))\" y1=\"14\" x2=\"\(Self.f(x + 14))\" y2=\"14\" stroke=\"\(item.colour)\" stroke-width=\"3\"/>"
                : "<rect x=\"\(Self.f(x))\" y=\"7\" width=\"14\" height=\"14\" fill=\"\(item.colour)\"/>"
            out += "<text x=\"\(Self.f(x + 20))\" y=\"19\">\(SafeText.html(item.name))</text>"
            x += 34 + Double(item.name.count) * Self.characterWidth
        }
        return out
    }

    /// The widest a character of the charts' 12 px sans-serif text draws
    /// (digits and most letters are narrower): what label spacing allows for.
    package static let characterWidth = 7.5

    package func empty(height: Double = SVGChart.height) -> String {
        "<text x=\"\(Self.f(Self.width / 2))\" y=\"\(Self.f(height / 2))\" text-anchor=\"middle\" class=\"empty\">No data in this period</text>"
    }

    // MARK: Numbers

    /// Round tick values from 0 up to at least `max` (five or so steps of
    /// 1, 2 or 5 × 10ⁿ, never less than 1: the charts count calls).
    package static func ticks(max: Double) -> [Double] {
        guard max.isFinite, max > 0 else { return [0, 1] }
        let rough = Swift.max(1, max / 5)
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? rough
        var ticks: [Double] = []
        var t = 0.0
        while ticks.last.map({ $0 < max }) ?? true {
            ticks.append(t)
            t += step
        }
        return ticks
    }

    package static func count(_ v: Double) -> String { Humanize.number(v, digits: 1) }
    package static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
