import ArchiveCore
import SQLite

/// Adds labels to a call, cheaply when most are there already: a nightly
/// run re-reads the same growing CSV, so each id's labels are first read
/// (one range of the primary key) and only the missing ones inserted, all
/// in one statement. A 49-column file re-read costs a range scan per id,
/// not 49 probes (scripts/bench-labels.sh).
package struct LabelWriter {
    package let db: Connection
    /// The most rows one INSERT takes (3 parameters each, well under SQLite's limit).
    package static let rowsPerStatement = 64

    /// Returns how many of `labels` the call did not have.
    package func add(_ labels: [Label], to id: String) throws -> Int {
        var have: Set<Label> = []
        try db.cached("SELECT name, value FROM call_labels WHERE call_id = ?").forEachRow([id]) { r in
            have.insert(Label(name: r.string(0), value: r.string(1)))
        }
        var missing: [Label] = []
        for label in labels where !have.contains(label) {
            have.insert(label)
            missing.append(label)
        }
        var start = 0
        while start < missing.count {
            let chunk = missing[start..<min(start + Self.rowsPerStatement, missing.count)]
            let rows = Array(repeating: "(?, ?, ?)", count: chunk.count).joined(separator: ", ")
            try db.cached("INSERT INTO call_labels (call_id, name, value) VALUES \(rows) ON CONFLICT DO NOTHING")
                .run(chunk.flatMap { [id, $0.name, $0.value] as [any SQLiteBindable] })
            start += chunk.count
        }
        return missing.count
    }
}
