/// The ids a maintenance command was given (`forget`, `label`), held in a
/// temporary table, and what those commands read and change about them:
/// written once over either backend's `SQLDatabase`, so `Forgetter` and
/// `Labeller` and their SQL exist once.
package final class GivenIDRows {
    let db: any SQLDatabase
    /// Ids waiting to go into the table together (one bulk insert per 10,000).
    private var pending: [[SQLValue]] = []
    private var given: String { "\(db.dialect.temporarySchema).given" }

    package init(_ db: any SQLDatabase) { self.db = db }

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
        try db.run("CREATE TEMP TABLE IF NOT EXISTS given (call_id \(db.dialect.textKey) PRIMARY KEY)", [])
        try db.run("DELETE FROM \(given)", [])
    }

    package func give(_ id: String) throws {
        pending.append([.text(id)])
        if pending.count >= 10_000 { try flush() }
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        let rows = pending
        pending.removeAll(keepingCapacity: true)
        try db.insert("given", columns: ["call_id"], rows: rows, conflictsIgnored: true)
    }

    /// Given ids the archive does not hold, in id order, at most `limit`, and how many in all.
    package func unknownGiven(limit: Int) throws -> (ids: [String], count: Int) {
        try flush()
        let absent = "FROM \(given) g WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.call_id = g.call_id)"
        return (
            try db.rows("SELECT call_id \(absent) ORDER BY call_id LIMIT ?", [.integer(Int64(limit))]) { $0.string(0) },
            Int(try db.integer("SELECT count(*) \(absent)") ?? 0)
        )
    }

    /// Given ids with archived data (any body: a snapshot, whether or not
    /// `calls` points at one), in id order, at most `limit`, and how many in all.
    package func givenWithData(limit: Int) throws -> (ids: [String], count: Int) {
        try flush()
        let withData = """
            FROM \(given) g JOIN calls c USING (call_id)
            WHERE c.snapshot_id IS NOT NULL OR EXISTS (SELECT 1 FROM call_snapshots s WHERE s.call_id = c.call_id)
            """
        return (
            try db.rows("SELECT c.call_id \(withData) ORDER BY c.call_id LIMIT ?", [.integer(Int64(limit))]) { $0.string(0) },
            Int(try db.integer("SELECT count(*) \(withData)") ?? 0)
        )
    }

    /// Given ids the archive holds.
    package func knownGiven() throws -> Int {
        try flush()
        return Int(try db.integer("SELECT count(*) FROM \(given) g JOIN calls c USING (call_id)") ?? 0)
    }

    /// Removes the given calls with everything that hangs on them, children
    /// first (and from the tables only this backend has).
    package func deleteGiven() throws {
        try flush()
        let chosen = "SELECT call_id FROM \(given)"
        for table in ["call_events", "call_labels", "status_changes"] + db.dialect.ownCallTables {
            try db.run("DELETE FROM \(table) WHERE call_id IN (\(chosen))", [])
        }
        try db.run("UPDATE calls SET snapshot_id = NULL WHERE call_id IN (\(chosen)) AND snapshot_id IS NOT NULL", [])
        try db.run("DELETE FROM call_snapshots WHERE call_id IN (\(chosen))", [])
        try db.run("DELETE FROM calls WHERE call_id IN (\(chosen))", [])
        try db.callsChanged()
    }

    /// Removes `name` (every value, or `value`) from the given calls; how many labels went.
    package func removeLabel(name: String, value: String?) throws -> Int {
        try flush()
        let value: SQLValue = value.map(SQLValue.text) ?? .null
        return try db.run(
            """
            DELETE FROM call_labels WHERE call_id IN (SELECT call_id FROM \(given)) AND name = ? AND (CAST(? AS TEXT) IS NULL OR value = ?)
            """, [.text(name), value, value])
    }

    /// Gives `label` to the given calls, in id order (concurrent writers
    /// never deadlock): one value per name, so a call with another value of
    /// the name has it replaced. How many were added, and how many replaced.
    package func setLabel(_ label: Label) throws -> (added: Int, replaced: Int) {
        try flush()
        let replaced = try db.run(
            "UPDATE call_labels SET value = ? WHERE name = ? AND value <> ? AND call_id IN (SELECT call_id FROM \(given))",
            [.text(label.value), .text(label.name), .text(label.value)])
        let added = try db.run(
            """
            INSERT INTO call_labels (call_id, name, value) SELECT call_id, ?, ? FROM \(given) ORDER BY call_id ON CONFLICT DO NOTHING
            """, [.text(label.name), .text(label.value)])
        return (added, replaced)
    }

    /// Calls per value of label `name`, in the whole archive.
    package func labelCounts(_ name: String) throws -> [String: Int] {
        let pairs = try db.rows("SELECT value, count(*) FROM call_labels WHERE name = ? GROUP BY value", [.text(name)]) {
            ($0.string(0), $0.int(1))
        }
        return Dictionary(pairs, uniquingKeysWith: +)
    }
}
