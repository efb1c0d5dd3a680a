import FuseAPI
import SQLite

/// `callhist rebuild`: re-derives `calls` and `call_events` from each call's
/// newest snapshot (`HistoryOrder` over all its snapshots), without any
/// request (after a decoder fix, or to repair a call an older answer overwrote). Bookkeeping
/// columns are left alone. The caller holds the `RunLock`.
public struct Rebuilder {
    public struct Report: Equatable {
        public var calls = 0
        public var changed = 0
        /// Calls whose snapshot no longer decodes: left as they were.
        public var undecodable: [String] = []
    }

    let db: Connection

    init(db: Connection) { self.db = db }

    public func run() throws -> Report {
        var report = Report()
        let store = try CallStore(db: db, runID: nil)
        let writer = try BatchWriter(db: db, maxRows: 2000)
        let calls = try db.prepare("SELECT call_id, snapshot_id FROM calls WHERE snapshot_id IS NOT NULL AND call_id > ? ORDER BY call_id LIMIT 1000")
        // In the order the archive received them (a body seen again counts
        // when last seen), so the fold below replays what the archiver did.
        let snapshots = try db.prepare("SELECT snapshot_id, format, body FROM call_snapshots WHERE call_id = ? ORDER BY last_seen_at, snapshot_id")
        var last = ""
        while true {
            // Read a page, then write it: never step a read statement across a write.
            let page = try calls.map([last]) { (id: $0.string(0), snapshot: $0.int64(1)) }
            guard let tail = page.last else { break }
            last = tail.id
            for row in page {
                report.calls += 1
                // Bodies byte for byte (`textBytes`): a body that is not UTF-8 decodes as it came.
                let bodies = try snapshots.map([row.id]) { (id: $0.int64(0), format: BodyFormat(rawValue: $0.string(1)) ?? .json, body: $0.textBytes(2)) }
                var newest: (snapshot: Int64, status: CallStatus)?
                var failure: String?
                for body in bodies {
                    do {
                        let status = try StatusDecoder.decode(body.body, format: body.format)
                        // History only moves forward: the same rule as when archiving.
                        if let current = newest, HistoryOrder.isOlder(status, than: current.status) { continue }
                        newest = (body.id, status)
                    } catch {
                        if body.id == row.snapshot { failure = "\(error)" }
                    }
                }
                guard let newest else {
                    report.undecodable.append("\(row.id): \(failure ?? "no snapshot decodes")")
                    continue
                }
                try writer.write {
                    if newest.snapshot == row.snapshot, let old = try store.facts(of: row.id), old.sameFacts(as: newest.status) { return }
                    report.changed += 1
                    try store.rederive(row.id, from: newest.status, snapshotID: newest.snapshot)
                }
            }
        }
        try writer.commit()
        // The triggers kept the aggregates true through every re-derivation;
        // a rebuild also repairs them if another tool wrote past the triggers.
        try Aggregates.recompute(db)
        return report
    }
}
