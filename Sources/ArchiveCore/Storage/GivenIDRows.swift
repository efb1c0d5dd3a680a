/// The ids a maintenance command was given (`forget`, `label`), held in a
/// temporary table, and what those commands read and change about them:
/// one implementation per backend (`SQLiteGivenIDRows`,
/// `PostgresGivenIDRows`), so `Forgetter` and `Labeller` are written once.
package protocol GivenIDRows {
    func transaction<T>(_ body: () throws -> T) throws -> T
    func resetGiven() throws
    func give(_ id: String) throws
    /// Given ids the archive does not hold, in id order, at most `limit`, and how many in all.
    func unknownGiven(limit: Int) throws -> (ids: [String], count: Int)
    /// Given ids with archived data (any body), in id order, at most `limit`, and how many in all.
    func givenWithData(limit: Int) throws -> (ids: [String], count: Int)
    /// Given ids the archive holds.
    func knownGiven() throws -> Int
    /// Removes the given calls with everything that hangs on them.
    func deleteGiven() throws
    /// Removes `name` (every value, or `value`) from the given calls; how many labels went.
    func removeLabel(name: String, value: String?) throws -> Int
    /// Gives `label` to the given calls; how many were new.
    func addLabel(_ label: Label) throws -> Int
}

extension GivenIDRows {
    /// Deletes the calls listed in `given` (a temporary table) with all
    /// that hangs on them, children first; `also` names further tables
    /// keyed by call_id (a backend's own).
    package static func deletion(given: String, also: [String] = []) -> String {
        let chosen = "SELECT call_id FROM \(given)"
        return (["call_events", "call_labels", "status_changes"] + also).map { "DELETE FROM \($0) WHERE call_id IN (\(chosen));\n" }.joined()
            + """
            UPDATE calls SET snapshot_id = NULL WHERE call_id IN (\(chosen)) AND snapshot_id IS NOT NULL;
            DELETE FROM call_snapshots WHERE call_id IN (\(chosen));
            DELETE FROM calls WHERE call_id IN (\(chosen));
            """
    }
}
