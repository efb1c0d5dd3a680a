import Foundation

extension CallReport {
    /// `report call` as printed: fields, gaps, events, status changes and
    /// snapshots; CSV holds one table, the events, the part worth a spreadsheet.
    public func rendered(id: String, _ o: RenderOptions) -> String {
        let utc = o.utc
        // One call is read closely: full times, with the offset in force.
        let zone: TimeZone? = utc ? nil : o.timeZone
        func time(_ v: Int64?) -> TextTable.Cell {
            TextTable.Cell(raw: v.map { Humanize.isoTime($0) } ?? "", display: v.map { Humanize.isoTime($0, zone: zone) } ?? "—")
        }
        var fieldTable = TextTable(title: "Call \(id)", columns: ["field", "value"])
        fieldTable.rows = fields.map { f in
            let display: TextTable.Cell =
                switch f.value {
                case .null: .text(nil)
                case .integer(let v) where f.name.hasSuffix("_timestamp") || f.name.hasSuffix("_at"): time(v)
                // Every span in one style (5m 03s), whichever column holds it.
                case .integer(let v) where ["duration", "reattempt_wait", "event_duration"].contains(f.name): .seconds(v)
                // Flags read yes or no; the raw 0/1 stays in CSV and JSON.
                case .integer(let v) where f.name.hasPrefix("is_"): .text(v == 0 ? "no" : "yes")
                default: .text(f.value.description)
                }
            return [.text(f.name), TextTable.Cell(raw: f.value == .null ? "" : f.value.description, display: display.display)]
        }
        var labelTable = TextTable(title: "Labels", columns: ["name", "value"])
        labelTable.rows = labels.map { [.text($0.name), .text($0.value)] }
        var gaps = TextTable(title: "Gaps", columns: ["gap", "time"])
        gaps.rows = [("queue_wait", queueWait), ("ring_time", ringTime), ("talk_time", talkTime)].map { [.text($0.0), .seconds($0.1)] }
        let eventColumns = ReportColumns<Event>([
            .int("seq", \.seq), .text("event", \.event),
            .init(key: "timestamp", cell: { time($0.timestamp) }, json: { JSONOutput.orNull($0.timestamp) }),
            .init(key: "since_previous", cell: { .seconds($0.sincePrevious) }, json: { JSONOutput.orNull($0.sincePrevious) }),
        ])
        let eventTable = eventColumns.table(events, o.format, title: "Events (time order)")
        var changes = TextTable(title: "Status changes", columns: ["from", "to", "observed", "run"])
        changes.rows = statusChanges.map { [.text($0.oldStatus ?? "(first seen)"), .text($0.newStatus), time($0.observedAt), .int($0.runID)] }
        var snapshotTable = TextTable(
            title: "Snapshots", columns: ["snapshot", "sha256", "format", "first_seen", "last_seen", "times_seen", "current"])
        snapshotTable.rows = snapshots.map {
            [
                .int($0.snapshotID), .text(String($0.sha256.prefix(12))), .text($0.format), time($0.firstSeenAt),
                time($0.lastSeenAt), .int($0.timesSeen), .text($0.current ? "yes" : ""),
            ]
        }
        let json: [String: Any] = [
            "call": Dictionary(
                uniqueKeysWithValues: fields.map { f -> (String, Any) in
                    switch f.value {
                    case .null: (f.name, JSONOutput.orNull(nil))
                    case .integer(let v): (f.name, v)
                    case .real(let v): (f.name, v)
                    case .text(let s): (f.name, s)
                    case .blob(let d): (f.name, d.base64EncodedString())
                    }
                }),
            "labels": Dictionary(uniqueKeysWithValues: labels.map { ($0.name, $0.value) }),
            "queue_wait": JSONOutput.orNull(queueWait), "ring_time": JSONOutput.orNull(ringTime), "talk_time": JSONOutput.orNull(talkTime),
            "events": eventColumns.json(events),
            "status_changes": statusChanges.map {
                [
                    "old_status": JSONOutput.orNull($0.oldStatus), "new_status": $0.newStatus, "observed_at": $0.observedAt,
                    "run_id": JSONOutput.orNull($0.runID),
                ]
            },
            "snapshots": snapshots.map {
                [
                    "snapshot_id": $0.snapshotID, "body_sha256": $0.sha256, "format": $0.format, "first_seen_at": $0.firstSeenAt,
                    "last_seen_at": $0.lastSeenAt, "times_seen": $0.timesSeen, "current": $0.current,
                ]
            },
        ]
        let tables = [fieldTable] + (labels.isEmpty ? [] : [labelTable]) + [gaps, eventTable, changes, snapshotTable]
        return o.emit(o.format == .csv ? [eventTable] : tables, json: json)
    }
}
