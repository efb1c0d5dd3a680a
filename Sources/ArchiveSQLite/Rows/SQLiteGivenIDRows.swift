import ArchiveCore
import SQLite

/// `GivenIDRows` in a SQLite archive: the ids in `temp.given`.
package struct SQLiteGivenIDRows: GivenIDRows {
    package let db: Connection

    package func transaction<T>(_ body: () throws -> T) throws -> T { try db.transaction(body) }

    package func resetGiven() throws {
        try db.execute("CREATE TEMP TABLE IF NOT EXISTS given (call_id TEXT PRIMARY KEY NOT NULL); DELETE FROM temp.given;")
    }

    package func give(_ id: String) throws { try db.cached("INSERT INTO temp.given (call_id) VALUES (?) ON CONFLICT DO NOTHING").run([id]) }

    package func unknownGiven(limit: Int) throws -> (ids: [String], count: Int) {
        let absent = "FROM temp.given g WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.call_id = g.call_id)"
        return (try db.prepare("SELECT call_id \(absent) ORDER BY call_id LIMIT ?").map([limit]) { $0.string(0) },
                Int(try db.scalarInt("SELECT count(*) \(absent)") ?? 0))
    }

    package func givenWithData(limit: Int) throws -> (ids: [String], count: Int) {
        // Data is any body: a snapshot, whether or not `calls` points at one.
        let withData = """
            FROM temp.given g JOIN calls c USING (call_id)
            WHERE c.snapshot_id IS NOT NULL OR EXISTS (SELECT 1 FROM call_snapshots s WHERE s.call_id = c.call_id)
            """
        return (try db.prepare("SELECT c.call_id \(withData) ORDER BY c.call_id LIMIT ?").map([limit]) { $0.string(0) },
                Int(try db.scalarInt("SELECT count(*) \(withData)") ?? 0))
    }

    package func knownGiven() throws -> Int { Int(try db.scalarInt("SELECT count(*) FROM temp.given g JOIN calls c USING (call_id)") ?? 0) }

    package func deleteGiven() throws {
        try db.execute(Self.deletion(given: "temp.given"))
        try Aggregates.fold(db)
    }

    package func removeLabel(name: String, value: String?) throws -> Int {
        try db.prepare("DELETE FROM call_labels WHERE call_id IN (SELECT call_id FROM temp.given) AND name = ? AND (?2 IS NULL OR value = ?2)")
            .run([name, value])
        return db.changes
    }

    package func addLabel(_ label: Label) throws -> Int {
        try db.prepare("INSERT INTO call_labels (call_id, name, value) SELECT call_id, ?, ? FROM temp.given WHERE true ON CONFLICT DO NOTHING")
            .run([label.name, label.value])
        return db.changes
    }
}
