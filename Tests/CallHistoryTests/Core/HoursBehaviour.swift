import Foundation
import XCTest

@testable import ArchiveCore

/// `report hours` over calls placed at known local times across New York's
/// clock change of 2026-11-01 (02:00 EDT became 01:00 EST), each cell
/// counted by hand (docs/reports.md, "Hours"). One body for both backends.
struct HoursBehaviour {
    let f: CoreFixture
    var r: ReportBehaviour { ReportBehaviour(f: f) }
    static let newYork = TimeZone(identifier: "America/New_York")!
    static let kolkata = TimeZone(identifier: "Asia/Kolkata")!

    func fixture() throws {
        // Monday 09:xx in New York, one each side of the clock change (13:45Z is EDT, 14:xxZ EST).
        try r.call("m1", "completed", queued: 1_793_022_300, duration: 60)  // 2026-10-26 09:45 EDT
        try r.call("m2", "completed", queued: 1_793_628_900, duration: 120)  // 2026-11-02 09:15 EST
        let t: Int64 = 1_793_630_400  // 2026-11-02 09:40 EST: picked up, then failed
        try r.call("m3", "failed", queued: t, events: [("queued", t), ("dialing", t + 5), ("connected", t + 10), ("disconnected", t + 40)])
        try r.call("m4", "failed", queued: 1_793_631_540, events: [("queued", 1_793_631_540), ("disconnected", 1_793_631_560)])  // 09:59, nobody
        try r.call("m5", "queued", queued: 1_793_628_600)  // 09:10, not final yet
        // Sunday 2026-11-01: 01:30 happened twice.
        try r.call("s1", "completed", queued: 1_793_511_000, duration: 300)  // 01:30 EDT
        try r.call("s2", "completed", queued: 1_793_514_600, duration: 500)  // 01:30 EST
        try r.call("s0", "rejected", queued: 1_793_507_400)  // 00:30 EDT
        let c: Int64 = 1_793_518_200  // 02:30 EST: answered, then canceled
        try r.call("s3", "canceled", queued: c, events: [("dialing", c + 1), ("connected", c + 9), ("disconnected", c + 20)])
        try r.call("sat", "completed", queued: 1_793_505_540, duration: 30)  // Saturday 2026-10-31 23:59 EDT
        try r.call("none", nil, queued: nil)  // never fetched: no status, no hour
    }

    func hoursFollowTheLocalClockAcrossAClockChange() throws {
        try fixture()
        let h = try f.archive.hours(CallFilter(), zone: Self.newYork)
        func cell(_ weekday: Int, _ hour: Int) -> HoursReport.Cell { h.weekdays[weekday * 24 + hour] }
        let monday9 = cell(0, 9)
        XCTAssertEqual(
            [monday9.calls, monday9.final, monday9.completed, monday9.answered], [5, 4, 2, 3],
            "both Mondays at 9 local, though 13:45Z and 14:xxZ")
        XCTAssertEqual(monday9.medianDuration, 60, "nearest rank of 60, 120")
        XCTAssertEqual(monday9.completionRate, 0.5)
        XCTAssertEqual(monday9.answerRate, 0.75)
        XCTAssertEqual(cell(0, 8).calls + cell(0, 10).calls, 0, "naive UTC offsets would spill into 8 or 10")
        let sunday1 = cell(6, 1)
        XCTAssertEqual([sunday1.calls, sunday1.completed], [2, 2], "the repeated hour holds both 01:30s")
        XCTAssertEqual(sunday1.medianDuration, 300)
        XCTAssertEqual([cell(6, 0).calls, cell(6, 0).final, cell(6, 0).completed, cell(6, 0).answered], [1, 1, 0, 0])
        XCTAssertEqual([cell(6, 2).calls, cell(6, 2).answered, cell(6, 2).completed], [1, 1, 0], "connected, then canceled: answered")
        XCTAssertNil(cell(6, 2).medianDuration, "answered but not completed: no duration")
        XCTAssertEqual([cell(5, 23).calls, cell(5, 23).completed], [1, 1], "Saturday 23:59 EDT, though Sunday in UTC")
        XCTAssertEqual(h.weekdays.reduce(0) { $0 + $1.calls }, 10)
        // The hours of every day add the weekdays up.
        XCTAssertEqual(h.hours.map(\.calls), (0..<24).map { hour in (0..<7).reduce(0) { $0 + cell($1, hour).calls } })
        XCTAssertEqual([h.hours[9].calls, h.hours[1].calls, h.hours[23].calls], [5, 2, 1])
        XCTAssertEqual(h.hours[1].medianDuration, 300)
        XCTAssertEqual(h.hours[9].medianDuration, 60)

        // In UTC the same calls fall elsewhere: Monday 13 and 14.
        let utc = try f.archive.hours(CallFilter(), zone: TimeZone(identifier: "UTC")!)
        XCTAssertEqual([utc.weekdays[13].calls, utc.weekdays[14].calls], [1, 4])
        XCTAssertEqual([utc.weekdays[13].medianDuration, utc.weekdays[14].medianDuration], [60, 120])

        // Kolkata is UTC+5:30: durations come by quarter hour, so 13:45Z
        // (19:15 local) joins 14:15Z (19:45) in hour 19, not hour 18.
        let india = try f.archive.hours(CallFilter(), zone: Self.kolkata)
        XCTAssertEqual(india.hours[19].medianDuration, 60)
        XCTAssertEqual(india.hours[19].completed, 2)
        XCTAssertNil(india.hours[18].medianDuration)
        XCTAssertEqual(india.hours[18].calls, 0)

        // Filters apply as everywhere: a period, a status.
        let late = try f.archive.hours(CallFilter(since: 1_793_600_000), zone: Self.newYork)
        XCTAssertEqual([late.hours[9].calls, late.hours[9].completed], [4, 1])
        XCTAssertEqual(late.hours[9].medianDuration, 120)
        let failed = try f.archive.hours(CallFilter(status: "failed"), zone: Self.newYork)
        XCTAssertEqual([failed.hours[9].calls, failed.hours[9].final, failed.hours[9].answered, failed.hours[9].completed], [2, 2, 1, 0])
        XCTAssertNil(failed.hours[9].medianDuration)
    }
}
