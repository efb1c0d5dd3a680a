import SQLite

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

    let db: Connection

    func run(ids: [String], idFiles: [String], force: Bool) throws -> Report {
        try db.transaction {
            try GivenIDs.load(db, into: "forget", ids: ids, idFiles: idFiles, refusal: "Nothing was forgotten.")

            // Data is any body: a snapshot, whether or not `calls` points at one.
            let hasData = "(c.snapshot_id IS NOT NULL OR EXISTS (SELECT 1 FROM call_snapshots s WHERE s.call_id = c.call_id))"
            var report = Report()
            report.unknown = Int(try db.scalarInt("SELECT count(*) FROM temp.forget f WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.call_id = f.call_id)") ?? 0)
            let withData = try db.prepare("SELECT c.call_id FROM temp.forget f JOIN calls c USING (call_id) WHERE \(hasData) ORDER BY c.call_id LIMIT 11")
                .map { $0.string(0) }
            let withDataCount = Int(try db.scalarInt("SELECT count(*) FROM temp.forget f JOIN calls c USING (call_id) WHERE \(hasData)") ?? 0)
            if withDataCount > 0 && !force {
                let shown = withData.prefix(10).map { SafeText.escape($0) }.joined(separator: ", ") + (withDataCount > 10 ? ", …" : "")
                throw InputError("\(withDataCount) of these ids have archived data (\(shown)): nothing was forgotten. "
                    + "forget is for ids the API never found; pass --force to delete these calls with their bodies and events too.")
            }
            report.forgottenWithData = withDataCount
            let total = Int(try db.scalarInt("SELECT count(*) FROM temp.forget f JOIN calls c USING (call_id)") ?? 0)
            report.forgotten = total - withDataCount
            let chosen = "SELECT call_id FROM temp.forget"
            try db.execute("""
                DELETE FROM call_events WHERE call_id IN (\(chosen));
                DELETE FROM call_labels WHERE call_id IN (\(chosen));
                DELETE FROM status_changes WHERE call_id IN (\(chosen));
                UPDATE calls SET snapshot_id = NULL WHERE call_id IN (\(chosen)) AND snapshot_id IS NOT NULL;
                DELETE FROM call_snapshots WHERE call_id IN (\(chosen));
                DELETE FROM calls WHERE call_id IN (\(chosen));
                """)
            try Aggregates.fold(db)
            return report
        }
    }
}
