import Foundation

/// `archive --dry-run --list`: every id a run would consider, with the
/// reason it is or is not fetched (docs/reliability.md). CSV and JSON
/// stream (a list of ten million ids costs no memory); the table and
/// Markdown are built whole to align their columns.
public final class PlanList {
    public static let columns = ["call_id", "source", "fetch", "reason", "at"]

    private let format: ReportFormat
    private let utc: Bool
    private let sink: OutputSink
    private var table = TextTable(columns: ["call id", "source", "fetch", "reason"])
    private var first = true

    public init(format: ReportFormat, utc: Bool, sink: OutputSink) {
        self.format = format
        self.utc = utc
        self.sink = sink
    }

    public func add(_ e: Archiver.PlanEntry) throws {
        let source = e.given ? "given" : "archive"
        let fetch = e.reason.fetches
        switch format {
        case .csv:
            if first { try sink.write(Self.columns.joined(separator: ",") + "\r\n") }
            let cells = [e.callID, source, fetch ? "true" : "false", e.reason.rawValue, e.at.map(Humanize.isoTime) ?? ""]
            try sink.write(cells.map(SafeText.csvField).joined(separator: ",") + "\r\n")
        case .json:
            let object: [String: Any] = [
                "call_id": e.callID, "source": source, "fetch": fetch, "reason": e.reason.rawValue,
                "at": JSONOutput.orNull(e.at.map(Humanize.isoTime)),
            ]
            try sink.write((first ? "[\n" : ",\n") + JSONOutput.string(object))
        case .table, .markdown:
            table.rows.append([.text(e.callID), .text(source), .text(fetch ? "yes" : "no"), .text(phrase(e))])
        }
        first = false
    }

    public func finish() throws {
        switch format {
        case .csv: if first { try sink.write(Self.columns.joined(separator: ",") + "\r\n") }
        case .json: try sink.write(first ? "[]\n" : "\n]\n")
        case .table, .markdown: try sink.write(table.render(format) + "\n")
        }
        try sink.flush()
    }

    private func phrase(_ e: Archiver.PlanEntry) -> String {
        guard let at = e.at else { return e.reason.phrase }
        switch e.reason {
        case .waiting: return "waiting until \(Humanize.time(at, utc: utc))"
        case .stale: return "stale since \(Humanize.time(at, utc: utc))"
        default: return e.reason.phrase
        }
    }
}
