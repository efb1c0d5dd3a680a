/// How a report is written: an aligned table for people, RFC 4180 CSV,
/// the stable JSON of docs/reports.md, or Markdown.
public enum ReportFormat: String, CaseIterable, Sendable {
    case table, csv, json, markdown
}
