import Foundation

/// The rows of `export … --format csv` as a spreadsheet wants them
/// (docs/schema.md, "Exports"): every time ISO 8601 with its offset (the
/// zone of `--tz`/`TZ`, or `Z` with `--utc`), and a call's labels one
/// column each, `label_campaign`, `label_clinic`…, in name order. Both
/// backends give their fields as text; this writes them, so the bytes are
/// the same whichever wrote them.
package struct CSVExport {
    package var iso: ISOTime

    /// The time columns of each table.
    package static let callTimes: Set<String> = [
        "queued_timestamp", "start_timestamp", "end_timestamp", "last_attempt_timestamp", "first_seen_at", "last_fetched_at",
        "last_success_at", "next_check_at",
    ]
    package static let eventTimes: Set<String> = ["timestamp"]
    package static let snapshotTimes: Set<String> = ["first_seen_at", "last_seen_at"]

    /// The calls' columns before their labels (`Exporter.callColumns` without `labels`).
    package static var callFields: [String] { Exporter.callColumns.filter { $0 != "labels" } }

    package init(zone: TimeZone?) { iso = ISOTime(zone: zone) }

    /// A label's column: `label_` and its name (names are lower_snake_case).
    package static func labelColumn(_ name: String) -> String { "label_" + name }

    /// The calls' header for these label names.
    package static func callsHeader(labelNames: [String]) -> String {
        (callFields + labelNames.map(labelColumn)).joined(separator: ",") + "\r\n"
    }

    /// One call: `fields` in `callFields` order (nil: NULL), then the value
    /// of each of `labelNames` it holds.
    package mutating func callRow(_ fields: [String?], labels: [(name: String, value: String)], labelNames: [String]) -> String {
        var cells = self.cells(Self.callFields, fields, times: Self.callTimes)
        for name in labelNames {
            cells.append(labels.first { $0.name == name }.map { SafeText.csvField($0.value) } ?? "")
        }
        return cells.joined(separator: ",") + "\r\n"
    }

    /// A row of `columns`, the `times` among them written as ISO 8601.
    package mutating func row(_ columns: [String], _ fields: [String?], times: Set<String>) -> String {
        cells(columns, fields, times: times).joined(separator: ",") + "\r\n"
    }

    private mutating func cells(_ columns: [String], _ fields: [String?], times: Set<String>) -> [String] {
        var cells: [String] = []
        cells.reserveCapacity(fields.count)
        for (column, field) in zip(columns, fields) {
            guard let field else {
                cells.append("")
                continue
            }
            if times.contains(column), let unix = Int64(field) {
                cells.append(iso.string(unix))
            } else {
                cells.append(SafeText.csvField(field))
            }
        }
        return cells
    }
}
