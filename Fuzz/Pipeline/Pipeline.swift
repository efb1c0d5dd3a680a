import CallHistory
import Foundation
import FuseAPI
import SQLite

/// One archive for many inputs (bodies pile up on a few call ids, so the
/// history rules meet each other), started afresh every 100 inputs.
enum Pipeline {
    nonisolated(unsafe) static var archive: (db: Connection, store: CallStore)?
    nonisolated(unsafe) static var inputs = 0
    nonisolated(unsafe) static let sink = OutputSink(fd: open("/dev/null", O_WRONLY), name: "/dev/null")
    static let ids = ["f0", "f1", "f2"]

    static func run(_ bytes: [UInt8]) {
        inputs += 1
        if inputs % 100 == 1 { archive = nil }
        guard let (db, store) = try? archive ?? fresh() else { fatalError("an in-memory archive must open") }
        archive = (db, store)
        let id = ids[inputs % ids.count]
        var stored = false
        for status in decodings(bytes) {
            do {
                _ = try store.store(id, status, at: Int64(1_795_000_000 + inputs))
                stored = true
            } catch {
                fatalError("storing a decoded body must not fail: \(error)")
            }
        }
        _ = try? IDFileReader.parse(bytes, name: "fuzz") { _, _ in }
        guard stored else { return }
        everyOutput(db)
    }

    static func fresh() throws -> (Connection, CallStore) {
        let db = try Connection(path: ":memory:")
        try Migrator.migrate(db)
        return (db, try CallStore(db: db, runID: nil))
    }

    static func decodings(_ bytes: [UInt8]) -> [CallStatus] {
        var out: [CallStatus] = []
        if let s = try? StatusDecoder.decode(bytes, format: .json) { out.append(s) }
        if let s = try? StatusDecoder.decode(bytes, format: .xml) { out.append(s) }
        if let r = try? StatusDecoder.decodeRecord(bytes) { out.append(r.status) }
        _ = StatusDecoder.errorMessage(bytes)
        return out
    }

    static func everyOutput(_ db: Connection) {
        do {
            for filter in [CallFilter(), CallFilter(since: 0, until: 4_000_000_000, status: "completed")] {
                let summary = try SummaryReport.run(db, filter: filter)
                let daily = try DailyReport.Period.allCases.map { ($0, try DailyReport.run(db, filter: filter, by: $0, utc: false)) }
                let attempts = try AttemptsReport.run(db, filter: filter)
                let durations = try DurationsReport.run(db, filter: filter)
                let pending = try PendingReport.run(db, filter: filter, limit: 0)
                let runs = try RunsReport.run(db, since: filter.since, until: filter.until, limit: 0)
                let calls = try ids.compactMap { id in try CallReport.run(db, id: id).map { (id, $0) } }
                for format in ReportFormat.allCases {
                    let o = RenderOptions(format: format, utc: false, bars: true, now: 1_795_000_000)
                    var text = summary.rendered(o) + attempts.rendered(o) + durations.rendered(o) + pending.rendered(o) + RunsReport.rendered(runs, o)
                    for (period, rows) in daily { text += DailyReport.rendered(rows, by: period, o) }
                    for (id, call) in calls { text += call.rendered(id: id, o) }
                    // Safe output: tables and Markdown never carry a raw control character but newlines.
                    if format == .table || format == .markdown {
                        precondition(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "a raw control character reached \(format)")
                    }
                }
                for table in Exporter.Table.allCases {
                    for format in Exporter.Format.allCases { try Exporter(db: db).export(table, format: format, filter: filter, to: sink) }
                }
            }
            _ = try Rebuilder(db: db).run()
        } catch {
            fatalError("a report over a stored body failed: \(error)")
        }
    }
}
