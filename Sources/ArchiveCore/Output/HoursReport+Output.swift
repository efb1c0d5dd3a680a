import Foundation

extension HoursReport {
    /// `report hours` as printed (docs/reports.md, "Hours"): the rows of
    /// `grouping`, then, for people (table, Markdown), the completion rate
    /// of every weekday × hour as a grid, shaded on a terminal.
    public func rendered(_ grouping: Grouping, _ o: RenderOptions) -> String {
        let columns = ReportColumns<Cell>(Self.columns(grouping))
        let rows = rows(grouping)
        if o.format == .json || o.format == .csv { return o.emit([columns.table(rows, o.format)], json: columns.json(rows)) }
        var table = columns.table(rows, o.format)
        table.title = "Calls by hour of queued time (\(zoneName))"
        if o.format == .markdown { return o.emit([table, heatmapTable()], json: []) }
        var out = o.emit([table], json: [])
        out += "\n" + heatmap(shaded: o.bars) + "\n"
        return out
    }

    package static func columns(_ grouping: Grouping) -> [ReportColumns<Cell>.Column] {
        typealias Column = ReportColumns<Cell>.Column
        var columns: [Column] = grouping == .weekday ? [.text("weekday", \.weekdayName)] : []
        columns.append(.text("hour", \.hourText))
        columns += [.int("calls", \.calls), .int("final", \.final), .int("answered", \.answered)]
        columns += Column.rateWithInterval("answer_rate", successes: { $0.answered }, trials: { $0.final })
        columns.append(.int("completed", \.completed))
        columns += Column.rateWithInterval("completion_rate", successes: { $0.completed }, trials: { $0.final })
        columns.append(.seconds("median_duration", { (c: Cell) -> Double? in c.medianDuration.map(Double.init) }))
        return columns
    }

    /// The grid's completion rates as Markdown: a row per weekday, a column per hour.
    package func heatmapTable() -> TextTable {
        var t = TextTable(
            title: "Completion rate by weekday and hour (\(zoneName))", columns: ["weekday"] + (0..<24).map { String(format: "%02d", $0) })
        t.rows = (0..<7).map { day in
            [.text(Self.weekdayNames[day])]
                + (0..<24).map { hour in
                    let c = weekdays[day * 24 + hour]
                    return Self.gridCell(c).map { TextTable.Cell(raw: $0, display: $0, numeric: true) } ?? .text(nil)
                }
        }
        t.titles = ["Weekday"] + (0..<24).map { String(format: "%02d", $0) }
        t.note = Self.gridNote(none: "—")
        return t
    }

    /// A percent without decimals, `*` when fewer than 30 final calls stand behind it; nil without final calls.
    static func gridCell(_ c: Cell) -> String? {
        c.completionRate.map { String(Int(($0 * 100).rounded())) + (c.final < WilsonInterval.smallGroup ? "*" : "") }
    }

    /// What the grid's marks mean; `none` marks an hour without final calls.
    static func gridNote(none: String) -> String {
        "Completion rate (%) of the calls queued in each hour; * fewer than \(WilsonInterval.smallGroup) final calls; \(none) none."
    }

    /// The grid as text: percents, or (on a terminal) shades from the
    /// lowest rate to the highest among the hours with enough calls, so
    /// the best hours stand out whatever the overall rate.
    package func heatmap(shaded: Bool) -> String {
        let shades = ["░", "▒", "▓", "█"]
        let scale = RateScale(weekdays.map { ($0.completionRate, $0.final) }, steps: shades.count)
        func shade(_ rate: Double) -> String { shades[scale.step(rate)] }
        let width = shaded ? 2 : 3
        var lines = ["Completion rate by weekday and hour (\(zoneName))"]
        lines.append(
            String(repeating: " ", count: 10)
                + (0..<24).map { String(repeating: " ", count: width - 2) + String(format: "%02d", $0) }.joined(separator: " "))
        for day in 0..<7 {
            let cells = (0..<24).map { hour -> String in
                let c = weekdays[day * 24 + hour]
                guard let rate = c.completionRate else { return String(repeating: " ", count: width - 1) + "·" }
                if shaded { return shade(rate) + (c.final < WilsonInterval.smallGroup ? "*" : shade(rate)) }
                let text = Self.gridCell(c)!
                return String(repeating: " ", count: max(0, width - text.count)) + text
            }
            lines.append(Self.weekdayNames[day].padding(toLength: 10, withPad: " ", startingAt: 0) + cells.joined(separator: " "))
        }
        if shaded {
            let steps = shades.indices.map { shades[$0] + shades[$0] + " " + Humanize.percent(scale.from($0)) }
            lines.append("Shades from the lowest rate to the highest: " + steps.joined(separator: "  ") + " and up.")
            lines.append("* fewer than \(WilsonInterval.smallGroup) final calls; · none.")
        } else {
            lines.append(Self.gridNote(none: "·"))
        }
        return lines.joined(separator: "\n")
    }
}
