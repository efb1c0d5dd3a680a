import Foundation

/// What every report's rendering needs besides its rows: the format, the
/// zone times are shown in, whether a terminal gets bars, and "now".
public struct RenderOptions: Sendable {
    public var format: ReportFormat
    public var utc: Bool
    /// Draw bar columns (a person at a terminal, table format).
    public var bars: Bool
    /// The terminal's width in columns: bars fill what the table leaves.
    public var width: Int
    public var now: Int64
    /// The local zone (TZ), used unless `utc`.
    public var timeZone: TimeZone

    /// `bars` is honoured only in a table: never in CSV, JSON or Markdown.
    public init(
        format: ReportFormat, utc: Bool, bars: Bool = false, width: Int = 80, now: Int64 = Int64(Date().timeIntervalSince1970),
        timeZone: TimeZone = .current
    ) {
        self.format = format
        self.utc = utc
        self.bars = bars && format == .table
        self.width = max(20, min(1000, width))
        self.now = now
        self.timeZone = timeZone
    }

    /// The text to print: tables in the chosen format, or `json` for JSON
    /// (only the one asked for is built). Ends with a newline.
    package func emit(_ tables: @autoclosure () -> [TextTable], json: @autoclosure () -> Any) -> String {
        if format == .json { return JSONOutput.string(json(), terminator: "\n") }
        let rendered = tables().map { table in
            var t = table
            t.width = width
            return t.render(format)
        }
        return format == .csv ? rendered.joined(separator: "\n") : rendered.joined(separator: "\n\n") + "\n"
    }
}
