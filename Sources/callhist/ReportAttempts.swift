import ArgumentParser
import CallHistory

struct ReportAttempts: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "attempts", abstract: "Completion of final calls by attempts used and by max_attempts.")
    @OptionGroup var options: ReportOptions

    func run() throws {
        do {
            let r = try AttemptsReport.run(try options.open(), filter: options.filter)
            func table(_ title: String, _ key: String, _ rows: [AttemptsReport.Row]) -> TextTable {
                var t = TextTable(title: title, columns: [key, "final", "completed", "completion_rate", "exhausted"])
                t.rows = rows.map { [.text($0.attempts.map(String.init) ?? "unknown"), .int($0.final), .int($0.completed), .rate($0.completionRate), .int($0.exhausted)] }
                return t
            }
            func json(_ key: String, _ rows: [AttemptsReport.Row]) -> [[String: Any]] {
                rows.map { [key: JSONOutput.orNull($0.attempts), "final": $0.final, "completed": $0.completed,
                            "completion_rate": JSONOutput.orNull($0.completionRate), "exhausted": $0.exhausted] }
            }
            var tables = [table("By attempts used", "attempts", r.byAttempts), table("By max_attempts", "max_attempts", r.byMaxAttempts)]
            if options.format == .csv {
                // One CSV: a `by` column tells the two groupings apart.
                var merged = TextTable(columns: ["by", "value", "final", "completed", "completion_rate", "exhausted"])
                for (name, t) in [("attempts", tables[0]), ("max_attempts", tables[1])] { merged.rows += t.rows.map { [.text(name)] + $0 } }
                tables = [merged]
            }
            options.emit(tables, json: ["by_attempts": json("attempts", r.byAttempts), "by_max_attempts": json("max_attempts", r.byMaxAttempts)])
        } catch {
            throw Failure.exit(error)
        }
    }
}
