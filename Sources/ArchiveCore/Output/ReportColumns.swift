/// A row-shaped report's columns, defined once: the CSV header is the JSON
/// keys in the same order, and each value is typed the same way in both
/// (docs/reports.md, "One naming"). A table for people may leave out
/// columns that only a program needs (`inTable: false`).
package struct ReportColumns<Row> {
    package struct Column {
        package let key: String
        package let cell: (Row) -> TextTable.Cell
        package let json: (Row) -> Any
        package var inTable = true
    }

    package let columns: [Column]

    package init(_ columns: [Column]) { self.columns = columns }

    package func table(_ rows: [Row], _ format: ReportFormat, title: String? = nil, extra: [(String, (Row) -> TextTable.Cell)] = []) -> TextTable {
        let shown = format == .csv ? columns : columns.filter(\.inTable)
        var t = TextTable(title: title, columns: shown.map(\.key) + extra.map(\.0))
        t.rows = rows.map { row in shown.map { $0.cell(row) } + extra.map { $0.1(row) } }
        t.noteSmallGroups()
        return t
    }

    package func json(_ rows: [Row]) -> [JSONObject] {
        rows.map { row in JSONObject(columns.map { ($0.key, $0.json(row)) }) }
    }
}

extension ReportColumns.Column {
    package static func int<I: BinaryInteger>(_ key: String, _ value: @escaping (Row) -> I?, inTable: Bool = true) -> Self {
        .init(key: key, cell: { .int(value($0)) }, json: { JSONOutput.orNull(value($0).map { Int64($0) }) }, inTable: inTable)
    }
    package static func text(_ key: String, _ value: @escaping (Row) -> String?, inTable: Bool = true) -> Self {
        .init(key: key, cell: { .text(value($0)) }, json: { JSONOutput.orNull(value($0)) }, inTable: inTable)
    }
    package static func rate(_ key: String, _ value: @escaping (Row) -> Double?) -> Self {
        .init(key: key, cell: { .rate(value($0)) }, json: { JSONOutput.orNull(value($0)) })
    }
    /// A rate and its 95% Wilson interval: `KEY` (the table shows
    /// `61.8% ±1.9`), then `KEY_low` and `KEY_high` for programs (CSV,
    /// JSON; docs/reports.md, "Rates and their intervals").
    package static func rateWithInterval(
        _ key: String, successes: @escaping (Row) -> Int, trials: @escaping (Row) -> Int
    ) -> [Self] {
        func interval(_ row: Row) -> WilsonInterval? { WilsonInterval(successes: successes(row), trials: trials(row)) }
        func rate(_ row: Row) -> Double? { trials(row) > 0 ? Double(successes(row)) / Double(trials(row)) : nil }
        return [
            .init(key: key, cell: { .rate(rate($0), successes: successes($0), trials: trials($0)) }, json: { JSONOutput.orNull(rate($0)) }),
            .init(key: key + "_low", cell: { .rate(interval($0)?.low) }, json: { JSONOutput.orNull(interval($0)?.low) }, inTable: false),
            .init(key: key + "_high", cell: { .rate(interval($0)?.high) }, json: { JSONOutput.orNull(interval($0)?.high) }, inTable: false),
        ]
    }
    package static func number(_ key: String, _ value: @escaping (Row) -> Double?) -> Self {
        .init(key: key, cell: { .number(value($0)) }, json: { JSONOutput.orNull(value($0)) })
    }
    package static func seconds(_ key: String, _ value: @escaping (Row) -> Double?) -> Self {
        .init(key: key, cell: { .seconds(value($0)) }, json: { JSONOutput.orNull(value($0)) })
    }
    package static func bool(_ key: String, _ value: @escaping (Row) -> Bool) -> Self {
        .init(key: key, cell: { TextTable.Cell(raw: value($0) ? "true" : "false", display: value($0) ? "yes" : "no") }, json: { value($0) })
    }
    /// A unix time: a number in JSON, ISO-8601 UTC in CSV, local (or UTC) for people.
    package static func time(_ key: String, utc: Bool, inTable: Bool = true, _ value: @escaping (Row) -> Int64?) -> Self {
        .init(key: key, cell: { .time(value($0), utc: utc) }, json: { JSONOutput.orNull(value($0)) }, inTable: inTable)
    }
}
