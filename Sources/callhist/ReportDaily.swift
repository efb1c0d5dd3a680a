import ArgumentParser
import CallHistory

struct ReportDaily: CallhistCommand {
    static let configuration = CommandConfiguration(
        commandName: "daily", abstract: "Calls, completion rate and mean duration per day (or hour, week, month).")
    @OptionGroup var options: ReportOptions
    @OptionGroup var filters: CallFilterOptions
    @OptionGroup var chart: ChartOptions
    @Option(help: "hour, day, week (from Monday) or month.") var by: DailyReport.Period = .day
    @Option(help: ArgumentHelp("One series per value of this label (campaign…): its name is the first column.", valueName: "name"))
    var labelColumn: String?

    func validate() throws {
        if let labelColumn, Label.normalizedName(labelColumn).isEmpty {
            throw ValidationError("--label-column \(labelColumn.debugDescription) has no letter or digit")
        }
    }

    func execute() throws {
        let archive = try options.open()
        if let labelColumn {
            let name = Label.normalizedName(labelColumn)
            let series = try archive.daily(try filters.filter(utc: options.utc, archive: archive), by: by, labelColumn: name, utc: options.utc)
            options.print(DailyReport.rendered(series, label: name, by: by, options.rendering(chart)))
            if series.isEmpty { try filters.explainEmpty(archive, utc: options.utc) }
            return
        }
        let rows = try archive.daily(try filters.filter(utc: options.utc, archive: archive), by: by, utc: options.utc)
        options.print(DailyReport.rendered(rows, by: by, options.rendering(chart)))
        if rows.isEmpty { try filters.explainEmpty(archive, utc: options.utc) }
    }
}

extension DailyReport.Period: ExpressibleByArgument {}
