import Foundation
import XCTest

@testable import ArchiveCore

/// `report compare` over hand-built calls: two label values and two
/// periods, every figure counted by hand (docs/reports.md, "Compare").
/// One body for both backends.
struct CompareBehaviour {
    let f: CoreFixture
    var r: ReportBehaviour { ReportBehaviour(f: f) }

    func label(_ id: String, _ value: String) throws {
        try f.sql.run("INSERT INTO call_labels (call_id, name, value) VALUES (?, 'campaign', ?)", [.text(id), .text(value)])
    }

    func twoLabelsAndTwoPeriodsByHand() throws {
        let day: Int64 = 1_793_600_000
        // spring, the first day: 4 completed (30, 60, 90, 600 s), 1 failed someone picked up, 1 still dialing.
        for (i, d) in [30, 60, 90, 600].enumerated() { try r.call("s\(i)", "completed", attempts: 1, max: 2, queued: day + Int64(i), duration: d) }
        try r.call("s4", "failed", attempts: 2, max: 2, queued: day + 10, events: [("connected", day + 20), ("disconnected", day + 30)])
        try r.call("s5", "dialing", queued: day + 11)
        // autumn, the next day: 1 completed (45 s), 3 failed nobody picked up.
        try r.call("a0", "completed", attempts: 3, max: 3, queued: day + 86_400, duration: 45)
        for i in 1...3 { try r.call("a\(i)", "failed", attempts: 3, max: 3, queued: day + 86_400 + Int64(i)) }
        for id in ["s0", "s1", "s2", "s3", "s4", "s5"] { try label(id, "spring") }
        for id in ["a0", "a1", "a2", "a3"] { try label(id, "autumn") }

        let spring = CallFilter(labels: [Label(name: "campaign", value: "spring")])
        let autumn = CallFilter(labels: [Label(name: "campaign", value: "autumn")])
        let byLabel = try f.archive.compare(("campaign=spring", spring), ("campaign=autumn", autumn))
        XCTAssertEqual(
            [byLabel.first.calls, byLabel.first.final, byLabel.first.completed, byLabel.first.answered], [6, 5, 4, 5],
            "the failed call someone picked up is answered")
        XCTAssertEqual([byLabel.second.calls, byLabel.second.final, byLabel.second.completed, byLabel.second.answered], [4, 4, 1, 1])
        XCTAssertEqual(byLabel.first.meanAttempts, 1.2)  // (1 + 1 + 1 + 1 + 2) / 5
        XCTAssertEqual(byLabel.second.meanAttempts, 3)
        XCTAssertEqual([byLabel.first.medianDuration, byLabel.first.p90Duration], [60, 600], "nearest rank of 30, 60, 90, 600")
        XCTAssertEqual([byLabel.second.medianDuration, byLabel.second.p90Duration], [45, 45])
        let completion = try XCTUnwrap(byLabel.completion)
        XCTAssertEqual(completion.difference, 0.8 - 0.25, accuracy: 1e-12)
        XCTAssertEqual(completion, TwoProportions(4, of: 5, vs: 1, of: 4))
        XCTAssertEqual(try XCTUnwrap(byLabel.answer).difference, 1 - 0.25, accuracy: 1e-12)

        // The same calls as two periods: the first day against the second.
        let first = try f.archive.compare(
            ("day 1", CallFilter(since: day, until: day + 86_400)), ("day 2", CallFilter(since: day + 86_400, until: day + 2 * 86_400)))
        XCTAssertEqual(first.first.calls, 6)
        XCTAssertEqual(first.second.calls, 4)
        XCTAssertEqual(first.completion, byLabel.completion)
        // A group with no final call: figures, and no difference to weigh.
        let empty = try f.archive.compare(("spring", spring), ("nothing", CallFilter(since: day + 10 * 86_400)))
        XCTAssertEqual(empty.second.calls, 0)
        XCTAssertNil(empty.completion)
        XCTAssertNil(empty.second.completionRate)
    }
}
