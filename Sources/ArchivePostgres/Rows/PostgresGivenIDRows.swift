import ArchiveCore
import Postgres

/// `GivenIDRows` in a PostgreSQL archive: the ids in `pg_temp.given`,
/// copied in 10,000 at a time.
package final class PostgresGivenIDRows: GivenIDRows {
    package let db: PostgresConnection
    private var pending: [String] = []

    package init(db: PostgresConnection) { self.db = db }

    package func transaction<T>(_ body: () throws -> T) throws -> T {
        do {
            return try db.transaction(body)
        } catch {
            pending.removeAll()
            throw error
        }
    }

    package func resetGiven() throws {
        pending.removeAll()
        try db.execute("CREATE TEMP TABLE IF NOT EXISTS given (call_id text COLLATE \"C\" PRIMARY KEY); TRUNCATE pg_temp.given")
    }

    package func give(_ id: String) throws {
        pending.append(id)
        if pending.count >= 10_000 { try flush() }
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        let ids = pending
        pending.removeAll(keepingCapacity: true)
        try db.query("INSERT INTO pg_temp.given (call_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING", [PostgresArray.text(ids)])
    }

    package func unknownGiven(limit: Int) throws -> (ids: [String], count: Int) {
        try flush()
        let absent = "FROM pg_temp.given g WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.call_id = g.call_id)"
        return (try db.query("SELECT call_id \(absent) ORDER BY call_id LIMIT $1", [limit]).map { $0.string(0) },
                Int(try db.scalarInt("SELECT count(*) \(absent)") ?? 0))
    }

    package func givenWithData(limit: Int) throws -> (ids: [String], count: Int) {
        try flush()
        let withData = """
            FROM pg_temp.given g JOIN calls c USING (call_id)
            WHERE c.snapshot_id IS NOT NULL OR EXISTS (SELECT 1 FROM call_snapshots s WHERE s.call_id = c.call_id)
            """
        return (try db.query("SELECT c.call_id \(withData) ORDER BY c.call_id LIMIT $1", [limit]).map { $0.string(0) },
                Int(try db.scalarInt("SELECT count(*) \(withData)") ?? 0))
    }

    package func knownGiven() throws -> Int {
        try flush()
        return Int(try db.scalarInt("SELECT count(*) FROM pg_temp.given g JOIN calls c USING (call_id)") ?? 0)
    }

    package func deleteGiven() throws {
        try flush()
        try db.execute(Self.deletion(given: "pg_temp.given", also: ["call_claims"]))
    }

    package func removeLabel(name: String, value: String?) throws -> Int {
        try flush()
        return try db.query("""
            DELETE FROM call_labels WHERE call_id IN (SELECT call_id FROM pg_temp.given) AND name = $1 AND ($2::text IS NULL OR value = $2)
            """, [name, value]).affectedRows
    }

    package func addLabel(_ label: Label) throws -> Int {
        try flush()
        return try db.query("""
            INSERT INTO call_labels (call_id, name, value) SELECT call_id, $1, $2 FROM pg_temp.given ORDER BY call_id ON CONFLICT DO NOTHING
            """, [label.name, label.value]).affectedRows
    }
}
