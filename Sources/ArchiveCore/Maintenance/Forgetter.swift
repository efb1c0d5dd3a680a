/// `callhist forget`: removes ids from the archive. Meant for junk — ids
/// from a bad file that the API never found — which otherwise stay in
/// `calls` and are re-checked. A call with archived data (a body) is only
/// forgotten with `force`: the archive otherwise keeps everything forever.
/// All or nothing: when one id is refused, nothing is removed.
public struct Forgetter {
    public struct Report: Sendable, Equatable {
        /// Ids removed that never brought data.
        public var forgotten = 0
        /// Ids removed with their bodies, events and status changes (`force`).
        public var forgottenWithData = 0
        /// Ids given that the archive does not hold.
        public var unknown = 0
    }

    package let rows: GivenIDRows

    /// Over either backend (`GivenIDRows` is written once).
    package init(rows: GivenIDRows) { self.rows = rows }

    package func run(ids: [String], idFiles: [String], force: Bool) throws -> Report {
        try rows.transaction {
            try GivenIDs.load(rows, ids: ids, idFiles: idFiles, refusal: "Nothing was forgotten.")
            var report = Report()
            report.unknown = try rows.unknownGiven(limit: 0).count
            let withData = try rows.givenWithData(limit: 11)
            if withData.count > 0 && !force {
                let shown = withData.ids.prefix(10).map { SafeText.escape($0) }.joined(separator: ", ") + (withData.count > 10 ? ", …" : "")
                throw InputError(
                    "\(withData.count) of these ids have archived data (\(shown)): nothing was forgotten. "
                        + "forget is for ids the API never found; pass --force to delete these calls with their bodies and events too.")
            }
            report.forgottenWithData = withData.count
            report.forgotten = try rows.knownGiven() - withData.count
            try rows.deleteGiven()
            return report
        }
    }
}
