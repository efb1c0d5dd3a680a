import FuseAPI
import SQLite

/// `callhist rebuild`: re-derives `calls` and `call_events` from each call's
/// newest snapshot, without any request (after a decoder fix). Bookkeeping
/// columns are left alone. The caller holds the `RunLock`.
public struct Rebuilder {
    public struct Report: Equatable {
        public var calls = 0
        public var changed = 0
        /// Calls whose snapshot no longer decodes: left as they were.
        public var undecodable: [String] = []
    }

    let db: Connection

    public init(db: Connection) { self.db = db }

    public func run() throws -> Report {
        var report = Report()
        let store = try CallStore(db: db, runID: nil)
        let writer = BatchWriter(db: db, maxRows: 2000)
        let rows = try db.prepare("""
            SELECT c.call_id, s.snapshot_id, s.format, s.body FROM calls c JOIN call_snapshots s ON s.snapshot_id = c.snapshot_id
            WHERE c.call_id > ? ORDER BY c.call_id LIMIT 1000
            """)
        var last = ""
        while true {
            // Read a page, then write it: never step a read statement across a write.
            let page = try rows.map([last]) { (id: $0.string(0), snapshot: $0.int64(1), format: $0.string(2), body: Array($0.string(3).utf8)) }
            guard let tail = page.last else { break }
            last = tail.id
            for row in page {
                report.calls += 1
                let status: CallStatus
                do {
                    status = try StatusDecoder.decode(row.body, format: BodyFormat(rawValue: row.format) ?? .json)
                } catch {
                    report.undecodable.append("\(row.id): \(error)")
                    continue
                }
                try writer.write {
                    if let old = try store.facts(of: row.id), old.sameFacts(as: status) { return }
                    report.changed += 1
                    try store.rederive(row.id, from: status, snapshotID: row.snapshot)
                }
            }
        }
        try writer.commit()
        return report
    }
}
