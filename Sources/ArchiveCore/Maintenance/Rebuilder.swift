import FuseAPI

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

    package let rows: any ArchiveRunRows

    /// Over any backend's rows (`SQLiteRunRows`, `PostgresRunRows`).
    package init(rows: any ArchiveRunRows) { self.rows = rows }

    public func run() throws -> Report {
        var report = Report()
        let store = try CallStore(rows: rows.calls, runID: nil)
        let writer = BatchWriter(rows: rows, maxRows: 2000)
        var last = ""
        while true {
            // Read a page, then write it: never step a read statement across a write.
            let page = try rows.calls.callsWithSnapshot(after: last, limit: 1000)
            guard let tail = page.last else { break }
            last = tail.id
            for row in page {
                report.calls += 1
                // In the order the archive received them, so the fold below
                // replays what the archiver did; bytes as they came.
                let bodies = try rows.calls.snapshots(of: row.id).map { (id: $0.id, format: BodyFormat(rawValue: $0.format) ?? .json, body: $0.body) }
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
        try rows.calls.rebuilt()
        return report
    }
}
