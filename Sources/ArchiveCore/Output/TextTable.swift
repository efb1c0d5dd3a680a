import Foundation

/// A report's rows, rendered as an aligned table, RFC 4180 CSV or Markdown.
/// Cells carry both a raw value (for CSV: numbers as numbers, rates as
/// fractions, seconds) and a display text (for people: 80.0%, 1m 23s).
package struct TextTable {
    package struct Cell {
        package let raw: String
        package var display: String
        package var numeric = false
        /// A bar of this fraction (0…1), drawn as wide as the terminal leaves room for.
        package var bar: Double? = nil
        /// A rate resting on few calls: shown with `*`, explained by the table's note.
        package var fewCalls = false

        /// A bar for people at a terminal (tables only: the report adds it only then).
        package static func bar(_ fraction: Double?) -> Cell { Cell(raw: "", display: "", bar: fraction.map { max(0, min(1, $0)) } ?? 0) }

        package static func text(_ s: String?) -> Cell { Cell(raw: s ?? "", display: s ?? "—") }
        package static func int<I: BinaryInteger>(_ v: I?) -> Cell {
            Cell(raw: v.map { String($0) } ?? "", display: v.map { String($0) } ?? "—", numeric: true)
        }
        package static func rate(_ v: Double?) -> Cell {
            Cell(raw: v.map { String($0) } ?? "", display: v.map { Humanize.percent($0) } ?? "—", numeric: true)
        }
        /// A rate with its 95% interval: `61.8% ±1.9` (half the interval's
        /// width), `*` after it when fewer than 30 calls stand behind it.
        /// CSV keeps the bare fraction; the bounds are columns of their own.
        package static func rate(_ v: Double?, successes: Int, trials: Int) -> Cell {
            guard let v, let interval = WilsonInterval(successes: successes, trials: trials) else { return rate(v) }
            let few = trials < WilsonInterval.smallGroup
            return Cell(
                raw: String(v), display: "\(Humanize.percent(v)) ±\(String(format: "%.1f", interval.halfWidthPoints))\(few ? "*" : "")",
                numeric: true,
                fewCalls: few)
        }
        package static func seconds(_ v: Double?) -> Cell {
            Cell(raw: v.map { Humanize.number($0) } ?? "", display: v.map { Humanize.duration($0) } ?? "—", numeric: true)
        }
        package static func seconds(_ v: Int64?) -> Cell { seconds(v.map(Double.init)) }
        package static func number(_ v: Double?) -> Cell {
            Cell(raw: v.map { Humanize.number($0) } ?? "", display: v.map { Humanize.number($0, digits: 2) } ?? "—", numeric: true)
        }
        package static func time(_ v: Int64?, utc: Bool) -> Cell {
            Cell(raw: v.map { Humanize.isoTime($0) } ?? "", display: v.map { Humanize.time($0, utc: utc) } ?? "—")
        }
    }

    package var title: String?
    /// The keys: CSV's header.
    package var columns: [String]
    package var rows: [[Cell]] = []
    /// Table and Markdown headings; by default each key's `ColumnTitle`.
    package var titles: [String]?
    /// A line under the table and its Markdown (never in CSV): what a mark means.
    package var note: String?

    /// The note a rate marked `*` needs (`Cell.rate(_:successes:trials:)`).
    package static let smallGroupNote = "* fewer than \(WilsonInterval.smallGroup) calls behind the rate: its interval is wide; compare with care."

    /// Adds the small-group note when a rate in the rows is marked.
    package mutating func noteSmallGroups() {
        if rows.contains(where: { $0.contains(where: \.fewCalls) }) { note = Self.smallGroupNote }
    }
    /// The terminal's width in columns: bar cells share what the other
    /// columns leave of it (at least 10 characters each, at most 100).
    package var width = 80

    /// Table and Markdown show control characters from data escaped
    /// (`\u001b`), Markdown its cells' `<`, `>` and `&` as entities; CSV
    /// keeps them, neutralised against formulas (`SafeText`), and is
    /// escaped only on its way to a terminal (`SafeText.terminal`).
    package func render(_ format: ReportFormat) -> String {
        let title = self.title.map(SafeText.escape)
        let rows =
            format == .csv
            ? self.rows
            : self.rows.map {
                $0.map {
                    var cell = $0
                    cell.display = SafeText.escape(cell.display)
                    return cell
                }
            }
        switch format {
        case .csv:
            return ([columns] + rows.map { $0.map(\.raw) }).map { $0.map(SafeText.csvField).joined(separator: ",") + "\r\n" }.joined()
        case .markdown:
            let headings = titles ?? columns.map(ColumnTitle.of)
            var out = title.map { "### \($0)\n\n" } ?? ""
            out += "| " + headings.joined(separator: " | ") + " |\n"
            out += "|" + columns.indices.map { i in rows.first?[i].numeric == true ? " ---: |" : " --- |" }.joined() + "\n"
            for row in self.rows { out += "| " + row.map { SafeText.markdownCell($0.display) }.joined(separator: " | ") + " |\n" }
            // A leading * would start a Markdown list: escaped.
            if let note { out += "\n" + (note.hasPrefix("*") ? "\\" : "") + SafeText.markdownCell(note) + "\n" }
            return String(out.dropLast())
        case .table, .json:
            let headings = titles ?? columns.map(ColumnTitle.of)
            var rows = rows
            var widths = headings.map(\.count)
            for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.display.count) } }
            let barColumns = Set(columns.indices.filter { i in rows.contains { $0[i].bar != nil } })
            if !barColumns.isEmpty {
                let used = widths.indices.filter { !barColumns.contains($0) }.reduce(0) { $0 + widths[$1] } + 2 * (columns.count - 1)
                let barWidth = max(10, min(100, (width - used) / barColumns.count))
                for r in rows.indices {
                    for i in barColumns { if let fraction = rows[r][i].bar { rows[r][i].display = Humanize.bar(fraction, width: barWidth) } }
                }
                for i in barColumns { widths[i] = barWidth }
            }
            func line(_ cells: [String], numeric: [Bool]) -> String {
                cells.enumerated().map { i, text in
                    let pad = String(repeating: " ", count: widths[i] - text.count)
                    return numeric[i] ? pad + text : text + pad
                }.joined(separator: "  ").withoutTrailingSpace
            }
            let numeric = columns.indices.map { i in rows.first?[i].numeric ?? false }
            var out = title.map { "\($0)\n" } ?? ""
            out += line(headings, numeric: numeric) + "\n"
            out += line(widths.map { String(repeating: "─", count: $0) }, numeric: numeric)
            for row in rows { out += "\n" + line(row.map(\.display), numeric: numeric) }
            if let note { out += "\n" + note }
            return out
        }
    }
}

extension String {
    /// Without the white space it ends with (a table line's padding); a
    /// regular expression did this for every line at 40 µs each.
    fileprivate var withoutTrailingSpace: String {
        var s = self
        while let last = s.unicodeScalars.last, last.properties.isWhitespace { s.unicodeScalars.removeLast() }
        return s
    }
}
