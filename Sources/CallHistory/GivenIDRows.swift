/// The ids a maintenance command was given (`forget`, `label`), held in a
/// temporary table, and what those commands read and change about them:
/// one implementation per backend (`SQLiteGivenIDRows`,
/// `PostgresGivenIDRows`), so `Forgetter` and `Labeller` are written once.
protocol GivenIDRows {
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
