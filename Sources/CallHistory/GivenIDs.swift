import FuseAPI
import SQLite

/// The ids a maintenance command was given (`forget`, `label`): typed ones
/// checked (`CallID`), files read as `archive` reads them, into a temporary
/// table of their own. Inside the caller's transaction.
enum GivenIDs {
    /// Fills `temp.<table>` (one column, `call_id`); `refusal` ends the
    /// message of a refused typed id ("Nothing was forgotten.").
    static func load(_ db: Connection, into table: String, ids: [String], idFiles: [String], refusal: String) throws {
        try db.execute("CREATE TEMP TABLE IF NOT EXISTS \(table) (call_id TEXT PRIMARY KEY NOT NULL); DELETE FROM temp.\(table);")
        let insert = try db.prepare("INSERT INTO temp.\(table) (call_id) VALUES (?) ON CONFLICT DO NOTHING")
        for (index, id) in ids.enumerated() {
            if let problem = CallID.problem(with: id) {
                throw InputError("argument \(index + 1): refused id \(id.debugDescription): \(problem). \(refusal)")
            }
            try insert.run([id])
        }
        for file in idFiles { try IDFileReader.read(file) { id, _ in try insert.run([id]) } }
    }
}
