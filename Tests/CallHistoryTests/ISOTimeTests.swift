import Foundation
import XCTest

@testable import ArchiveCore

/// The export's fast ISO 8601 times against Foundation's calendar, and read back.
final class ISOTimeTests: XCTestCase {
    func testFormatsAsTheCalendarDoesAndReadsBack() throws {
        let zones = ["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "UTC"].map { TimeZone(identifier: $0)! }
        var state: UInt64 = 7
        for zone in zones + [nil] {
            var iso = ISOTime(zone: zone)
            // Sorted, as an export mostly is; then some jumps back.
            var times = (0..<2000).map { _ -> Int64 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let bound: UInt64 = 253_402_300_800
                return Int64((state >> 1) % bound)
            }
            times += [0, 253_402_300_799, 1_793_511_000, 1_793_514_600, 951_782_400, 4_107_542_400]
            for unix in times.sorted() + times.prefix(100) {
                let text = iso.string(unix)
                let calendar = Humanize.isoTime(unix, zone: zone)
                if calendar.hasPrefix("10000-") {
                    XCTAssertEqual(text, String(unix), "past 9999 locally: the number")
                    XCTAssertNil(iso.minute(unix), "past 9999 locally: left to the calendar")
                    continue
                }
                XCTAssertEqual(text, calendar, "\(unix) in \(zone?.identifier ?? "Z")")
                XCTAssertEqual(ISOTime.parse(Substring(text)), unix, text)
                // The form people read (`report anomalies`): the same date and minute.
                let minute = String(calendar.prefix(16)).replacingOccurrences(of: "T", with: " ")
                XCTAssertEqual(iso.minute(unix), minute, "\(unix) in \(zone?.identifier ?? "Z")")
                if zone == nil { XCTAssertEqual(iso.minute(unix), Humanize.time(unix, utc: true)) }
            }
        }
        var newYork = ISOTime(zone: TimeZone(identifier: "America/New_York"))
        XCTAssertEqual(newYork.string(1_793_511_000), "2026-11-01T01:30:00-04:00")
        XCTAssertEqual(newYork.string(1_793_514_600), "2026-11-01T01:30:00-05:00", "the repeated hour, its own offset")
        XCTAssertEqual(newYork.string(-5), "-5", "no calendar places it: the number stays")
        // 01:30 at +05:30 is 20:00Z the day before: 1_793_493_000 (00:30Z) − 4.5 h.
        let kolkata: Int64 = 1_793_476_800
        XCTAssertEqual(ISOTime.parse("2026-11-01T01:30:00+0530"), kolkata)
        for bad in ["2026-11-01 01:30", "2026-02-30T00:00:00Z", "2026-11-01T24:00:00Z", "2026-11-01T01:30:00", "2026-11-01T01:30:00+5", "x"] {
            XCTAssertNil(ISOTime.parse(Substring(bad)), bad)
        }
    }
}
