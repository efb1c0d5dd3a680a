import XCTest

@testable import ArchiveCore

/// Which ids a run fetches (`Schedule`): every id considered — given in a
/// file or typed, and the archive's calls that are not final — gets one
/// reason, the same on both backends (docs/reliability.md, "Which ids a run
/// fetches").
struct ScheduleBehaviour {
    let f: CoreFixture

    func body(_ status: String, queued: Int64 = 1000) -> String {
        #"{"call_details": {"status": "\#(status)", "queued_timestamp": "\#(queued)", "events": [{"event": "queued", "timestamp": \#(queued)}]}}"#
    }

    func plan(ids: [String] = [], file: [String] = [], staleAfter: Int64 = 1500, at now: Int64 = 2000) throws -> (Archiver.Plan, [Archiver.PlanEntry])
    {
        var options = Archiver.Options()
        options.ids = ids
        if !file.isEmpty { options.idFiles = [try f.write("ids-\(file.count).txt", file.joined(separator: "\n") + "\n")] }
        options.staleAfter = staleAfter
        var entries: [Archiver.PlanEntry] = []
        let plan = try Archiver(rows: try f.archive.backend.runRows(), options: options, now: { now }).plan { entries.append($0) }
        return (plan, entries)
    }

    func everyIDGetsOneReason() throws {
        try f.store("final", json: body("completed"), at: 100)
        try f.store("waiting", json: body("dialing"), at: 100)
        try f.store("waiting", json: body("dialing"), at: 500)  // unchanged: next check at 500 + 1 h
        try f.store("changed", json: body("dialing"), at: 1000)  // new: due on the next run
        try f.problem("failing", outcome: "not_found", http: 404, message: "No outbound call was found by that id.", at: 900)
        try f.store("ancient", json: body("dialing", queued: 10), at: 100)  // queued before now − --stale-after

        let (p, entries) = try plan(file: ["final", "waiting", "brand-new", "waiting"])
        XCTAssertEqual(p.given, [.final: 1, .waiting: 1, .new: 1], "a repeated id counts once")
        XCTAssertEqual(p.archived, [.changed: 1, .unknown: 1, .stale: 1], "a 404 is asked again with its own reason")
        XCTAssertEqual(p.requested, 3)
        XCTAssertEqual(p.toFetch, 3)
        XCTAssertEqual(
            entries.map(\.callID), ["final", "waiting", "brand-new", "ancient", "failing", "changed"],
            "the given ids in file order, then the archive's, soonest due first")
        XCTAssertEqual(entries.first { $0.callID == "waiting" }?.at, 4100, "when it is due")
        XCTAssertEqual(entries.first { $0.callID == "ancient" }?.at, 1510, "when it became stale")

        // A typed id is asked for even when it waits, and even when final: a person asked to look.
        let (typed, _) = try plan(ids: ["waiting", "final"])
        XCTAssertEqual(typed.given, [.asked: 2])
        // A longer horizon makes the stale call due again: stale follows the clock both ways.
        let (longer, _) = try plan(staleAfter: 100_000)
        XCTAssertEqual(longer.archived[.stale], nil)
        XCTAssertEqual(longer.archived[.changed], 2, "ancient changed at its last check too")
    }
}
