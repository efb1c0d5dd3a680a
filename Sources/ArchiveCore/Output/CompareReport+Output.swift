import Foundation

extension CompareReport {
    /// `report compare` as printed (docs/reports.md, "Compare"): a row per
    /// measure, the two groups side by side and, for the rates, the
    /// difference (first − second) in points with its 95% interval and
    /// p-value; tables end with the differences in words.
    public func rendered(_ o: RenderOptions) -> String {
        if o.format == .json { return o.emit([], json: json) }
        let forPeople = o.format != .csv
        let keys =
            forPeople
            ? ["measure", "first", "second", "difference"]
            : [
                "measure", "first", "second", "first_low", "first_high", "second_low", "second_high", "difference", "difference_low",
                "difference_high", "p_value",
            ]
        var table = TextTable(title: forPeople ? "\(first.name) vs \(second.name)" : nil, columns: keys)
        table.titles = forPeople ? ["Measure", first.name, second.name, "Difference"] : nil
        table.rows = rows.map { row in keys.map { row[$0] ?? .text(nil) } }
        if forPeople {
            table.noteSmallGroups()
            let words = [completion.map { $0.words("Completion") }, answer.map { $0.words("Answer") }].compactMap { $0 }
            let notes = words.map { $0 + "." } + (table.note.map { [$0] } ?? [])
            table.note = notes.isEmpty ? nil : notes.joined(separator: "\n")
        }
        return o.emit([table], json: [])
    }

    /// The rows: each measure's cells by column key.
    private var rows: [[String: TextTable.Cell]] {
        // CSV names a measure by its JSON key, people by its title.
        func name(_ key: String) -> TextTable.Cell { TextTable.Cell(raw: key, display: ColumnTitle.of(key)) }
        func counts(_ key: String, _ value: (Group) -> Int) -> [String: TextTable.Cell] {
            ["measure": name(key), "first": .int(value(first)), "second": .int(value(second))]
        }
        func measure(_ key: String, _ cell: (Group) -> TextTable.Cell) -> [String: TextTable.Cell] {
            ["measure": name(key), "first": cell(first), "second": cell(second)]
        }
        func rate(_ key: String, _ successes: (Group) -> Int, _ test: TwoProportions?) -> [String: TextTable.Cell] {
            var row: [String: TextTable.Cell] = ["measure": name(key)]
            for (column, g) in [("first", first), ("second", second)] {
                let k = successes(g)
                row[column] = .rate(g.final > 0 ? Double(k) / Double(g.final) : nil, successes: k, trials: g.final)
                let interval = WilsonInterval(successes: k, trials: g.final)
                row[column + "_low"] = .rate(interval?.low)
                row[column + "_high"] = .rate(interval?.high)
            }
            if let test {
                row["difference"] = TextTable.Cell(
                    raw: String(test.difference), display: String(format: "%+.1f pts", test.difference * 100), numeric: true)
                row["difference_low"] = .rate(test.low)
                row["difference_high"] = .rate(test.high)
                row["p_value"] = .number(test.pValue)
            }
            return row
        }
        return [
            counts("calls", \.calls), counts("final", \.final), counts("completed", \.completed),
            rate("completion_rate", \.completed, completion), counts("answered", \.answered), rate("answer_rate", \.answered, answer),
            measure("mean_attempts") { .number($0.meanAttempts) },
            measure("median_duration") { .seconds($0.medianDuration) }, measure("p90_duration") { .seconds($0.p90Duration) },
        ]
    }

    private var json: JSONObject {
        func group(_ g: Group) -> JSONObject {
            func interval(_ k: Int) -> WilsonInterval? { WilsonInterval(successes: k, trials: g.final) }
            return JSONObject([
                ("name", g.name), ("calls", g.calls), ("final", g.final), ("completed", g.completed),
                ("completion_rate", JSONOutput.orNull(g.completionRate)), ("completion_rate_low", JSONOutput.orNull(interval(g.completed)?.low)),
                ("completion_rate_high", JSONOutput.orNull(interval(g.completed)?.high)), ("answered", g.answered),
                ("answer_rate", JSONOutput.orNull(g.answerRate)), ("answer_rate_low", JSONOutput.orNull(interval(g.answered)?.low)),
                ("answer_rate_high", JSONOutput.orNull(interval(g.answered)?.high)), ("mean_attempts", JSONOutput.orNull(g.meanAttempts)),
                ("median_duration", JSONOutput.orNull(g.medianDuration)), ("p90_duration", JSONOutput.orNull(g.p90Duration)),
            ])
        }
        func difference(_ t: TwoProportions?, _ measure: String) -> Any {
            guard let t else { return NSNull() }
            return JSONObject([
                ("difference", t.difference), ("low", t.low), ("high", t.high), ("p_value", JSONOutput.orNull(t.pValue)),
                ("verdict", t.verdict), ("words", t.words(measure)),
            ])
        }
        return [
            "first": group(first), "second": group(second), "completion_rate": difference(completion, "completion"),
            "answer_rate": difference(answer, "answer"),
        ]
    }
}
