import ArchiveCore
import SQLite

/// Sets labels of a call — one value per name, the latest wins (a
/// corrected sheet: docs/schema.md, "call_labels") — cheaply when most are
/// there already: a nightly run re-reads the same growing CSV, so each id's
/// labels are first read (one range of the primary key) and only the new
/// or changed ones written, all in one statement. A 49-column file re-read
/// costs a range scan per id, not 49 probes (scripts/bench-labels.sh).
package struct LabelWriter {
    package let db: Connection
    /// The most rows one INSERT takes (3 parameters each, well under SQLite's limit).
    package static let rowsPerStatement = 64

    /// Returns how many of `labels` the call did not have (a name new to it, or another value).
    package func add(_ labels: [Label], to id: String) throws -> Int {
        var have: [String: String] = [:]
        try db.cached("SELECT name, value FROM call_labels WHERE call_id = ?").forEachRow([id]) { r in
            have[r.string(0)] = r.string(1)
        }
        // A name given twice: its last value.
        var wanted: [String: String] = [:]
        var order: [String] = []
        for label in labels {
            if wanted.updateValue(label.value, forKey: label.name) == nil { order.append(label.name) }
        }
        let changed = order.compactMap { name in have[name] == wanted[name] ? nil : Label(name: name, value: wanted[name]!) }
        var start = 0
        while start < changed.count {
            let chunk = changed[start..<min(start + Self.rowsPerStatement, changed.count)]
            let rows = Array(repeating: "(?, ?, ?)", count: chunk.count).joined(separator: ", ")
            try db.cached(
                "INSERT INTO call_labels (call_id, name, value) VALUES \(rows) ON CONFLICT (call_id, name) DO UPDATE SET value = excluded.value"
            )
            .run(chunk.flatMap { [id, $0.name, $0.value] as [any SQLiteBindable] })
            start += chunk.count
        }
        return changed.count
    }
}
