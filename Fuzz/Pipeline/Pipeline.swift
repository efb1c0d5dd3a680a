import CallHistory
import Foundation
import FuseAPI

/// One archive for many inputs (bodies pile up on a few call ids, so the
/// history rules meet each other), started afresh every 100 inputs.
enum Pipeline {
    nonisolated(unsafe) static var archive: CallArchive?
    nonisolated(unsafe) static var inputs = 0
    nonisolated(unsafe) static let sink = OutputSink(fd: open("/dev/null", O_WRONLY), name: "/dev/null")
    static let ids = ["f0", "f1", "f2"]

    static func run(_ bytes: [UInt8]) {
        inputs += 1
        if inputs % 100 == 1 { archive = nil }
        guard let current = try? archive ?? CallArchive.inMemory() else { fatalError("an in-memory archive must open") }
        archive = current
        let id = ids[inputs % ids.count]
        var stored = false
        for status in decodings(bytes) {
            do {
                _ = try current.store(id, status, at: Int64(1_795_000_000 + inputs))
                stored = true
            } catch {
                fatalError("storing a decoded body must not fail: \(error)")
            }
        }
        _ = try? IDFileReader.parse(bytes, name: "fuzz") { _, _, _ in }
        guard stored else { return }
        everyOutput(current)
    }

    static func decodings(_ bytes: [UInt8]) -> [CallStatus] {
        var out: [CallStatus] = []
        if let s = try? StatusDecoder.decode(bytes, format: .json) { out.append(s) }
        if let s = try? StatusDecoder.decode(bytes, format: .xml) { out.append(s) }
        if let r = try? StatusDecoder.decodeRecord(bytes) { out.append(r.status) }
        _ = StatusDecoder.errorMessage(bytes)
        return out
    }

    static func everyOutput(_ db: CallArchive) {
        do {
            for filter in [
                CallFilter(), CallFilter(since: 0, until: 4_000_000_000, status: "completed", labels: [Label(name: "campaign", value: "x")]),
            ] {
                let summary = try db.summary(filter)
                let daily = try DailyReport.Period.allCases.map { ($0, try db.daily(filter, by: $0, utc: false)) }
                let attempts = try db.attempts(filter)
                let durations = try db.durations(filter)
                let pending = try db.pending(filter, limit: 0)
                let runs = try db.runs(since: filter.since, until: filter.until, limit: 0)
                let calls = try ids.compactMap { id in try db.call(id).map { (id, $0) } }
                // Thirty days before the fixed "now": every kind has days and calls to judge.
                let anomalies = try db.anomalies(
                    since: 1_792_400_000, until: 1_795_000_000, labels: filter.labels, now: 1_795_000_000,
                    thresholds: AnomaliesReport.Thresholds(), utc: false)
                let page = try db.htmlReport(filter, by: .day, utc: false, now: 1_795_000_000).rendered()
                precondition(!page.contains("<script"), "markup from a body reached the page unescaped")
                for format in ReportFormat.allCases {
                    let o = RenderOptions(format: format, utc: false, bars: true, now: 1_795_000_000)
                    var text = summary.rendered(o) + attempts.rendered(o) + durations.rendered(o) + pending.rendered(o) + RunsReport.rendered(runs, o)
                    for (period, rows) in daily { text += DailyReport.rendered(rows, by: period, o) }
                    for (id, call) in calls { text += call.rendered(id: id, o) }
                    text += anomalies.rendered(o)
                    // Safe output: tables and Markdown never carry a raw control character but newlines.
                    if format == .table || format == .markdown {
                        precondition(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "a raw control character reached \(format)")
                    }
                }
                for table in Exporter.Table.allCases {
                    for format in Exporter.Format.allCases { _ = try db.export(table, format: format, filter: filter, to: sink) }
                }
            }
            _ = try db.rebuild()
        } catch {
            fatalError("a report over a stored body failed: \(error)")
        }
    }
}
