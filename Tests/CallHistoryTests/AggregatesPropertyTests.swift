import Foundation
import FuseAPI
import SQLite
import XCTest

@testable import ArchiveCore
@testable import ArchiveSQLite
@testable import CallHistory

/// The report aggregates (migrations 0003 and 0008) against the plain scan of
/// `calls`: random archives written through the triggers (inserts,
/// updates, deletes, values no API sends), random filters (periods on and
/// off bucket edges, statuses), every primitive compared.
final class AggregatesPropertyTests: XCTestCase {
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int64>) -> Int64 { range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound + 1)) }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }
        mutating func pick<T>(_ xs: [T]) -> T { xs[Int(next() % UInt64(xs.count))] }
    }

    static let base: Int64 = 1_790_000_000 - 1_790_000_000 % 86_400  // a UTC midnight in 2026
    static let statuses: [String?] = [
        "queued", "dialing", "connected", "completed", "completed", "completed", "canceled", "failed", "rejected", "odd", nil,
    ]

    func queued(_ r: inout Random) -> any SQLiteBindable {
        switch r.int(0...19) {
        case 0: return Optional<Int64>.none as any SQLiteBindable
        case 1: return Self.base + r.int(-3...3) * 86_400  // a day's edge
        case 2: return Self.base + r.int(-40...40) * 900  // a quarter's edge
        case 3: return r.pick([-5, -86_400, 253_402_300_800, 9_000_000_000_000]) as Int64
        case 4: return Double(Self.base) + Double(r.int(0...864_000)) + 0.5
        case 5: return r.pick(["not a time", 253_402_300_799.5, -0.5] as [any SQLiteBindable])
        default: return Self.base + r.int(-5 * 86_400...5 * 86_400)
        }
    }

    func duration(_ r: inout Random) -> any SQLiteBindable {
        switch r.int(0...9) {
        case 0, 1: return Optional<Int64>.none as any SQLiteBindable
        case 2: return 12.5
        default: return r.int(0...900)
        }
    }

    func makeArchive(seed: UInt64, calls: Int) throws -> (Connection, SQLiteBackend) {
        let db = try Connection(path: ":memory:")
        try Migrator.migrate(db)
        var r = Random(state: seed)
        let insert = try db.prepare(
            """
            INSERT INTO calls (call_id, status, attempts, max_attempts, queued_timestamp, duration, event_duration, phone_number, first_seen_at, is_final)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0)
            """)
        for i in 0..<calls {
            try insert.run([
                "c\(i)", r.pick(Self.statuses), r.chance(0.1) ? nil : r.int(0...4), r.chance(0.1) ? nil : r.int(1...3),
                queued(&r), duration(&r), r.chance(0.5) ? nil : r.int(0...900), "'617555\(r.int(0...3))'",
            ])
        }
        // Updates through every path of the update trigger, and deletes.
        for _ in 0..<(calls / 3) {
            let id = "c\(r.int(0...Int64(calls - 1)))"
            switch r.int(0...5) {
            case 0: try db.prepare("UPDATE calls SET status = ? WHERE call_id = ?").run([r.pick(Self.statuses), id])
            case 1: try db.prepare("UPDATE calls SET queued_timestamp = ? WHERE call_id = ?").run([queued(&r), id])
            case 2: try db.prepare("UPDATE calls SET duration = ?, event_duration = ? WHERE call_id = ?").run([duration(&r), r.int(0...60), id])
            case 3:
                try db.prepare("UPDATE calls SET attempts = ?, max_attempts = ? WHERE call_id = ?").run([
                    r.chance(0.2) ? nil : r.int(0...4), r.int(1...3), id,
                ])
            case 4: try db.prepare("UPDATE calls SET last_error = 'x' WHERE call_id = ?").run([id])
            default: try db.prepare("DELETE FROM calls WHERE call_id = ?").run([id])
            }
        }
        return (db, SQLiteBackend(db: db, path: ":memory:"))
    }

    func randomFilter(_ r: inout Random) -> CallFilter {
        func time() -> Int64? {
            switch r.int(0...5) {
            case 0: nil
            case 1: Self.base + r.int(-4...4) * 86_400
            case 2: Self.base + r.int(-40...40) * 900
            case 3: r.pick([Int64(-10), 0, 253_402_300_799, 253_402_300_800])
            default: Self.base + r.int(-6 * 86_400...6 * 86_400)
            }
        }
        var f = CallFilter(since: time(), until: time(), status: r.chance(0.3) ? r.pick(["completed", "failed", "queued", "odd"]) : nil)
        if let s = f.since, let u = f.until, s > u { (f.since, f.until) = (u, s) }
        return f
    }

    func testTheAggregatesAnswerExactlyAsThePlainScan() throws {
        let newYork = TimeZone(identifier: "America/New_York")!
        for seed in UInt64(1)...6 {
            let (db, backend) = try makeArchive(seed: seed, calls: 1500)
            XCTAssertEqual(try Aggregates.mismatches(db), 0, "seed \(seed): the triggers kept the aggregates true")
            XCTAssertGreaterThan(try db.scalarInt("SELECT count(*) FROM call_deltas") ?? 0, 0, "written by another tool: deltas wait")
            var r = Random(state: seed &* 7919)
            for round in 0..<60 {
                // Half the filters with the deltas still waiting (another
                // tool wrote the calls), half once callhist folded them.
                if round == 30 {
                    try db.transaction { try Aggregates.fold(db) }
                    XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM call_deltas"), 0)
                    XCTAssertEqual(try Aggregates.mismatches(db), 0, "seed \(seed): folded")
                }
                let f = randomFilter(&r)
                func both<T>(_ body: () throws -> T) throws -> (T, T) {
                    backend.useAggregates = true
                    let fast = try body()
                    backend.useAggregates = false
                    defer { backend.useAggregates = true }
                    return (fast, try body())
                }
                let what = "seed \(seed), filter \(f)"
                let counts = try both { try backend.statusCounts(f) }
                XCTAssertEqual(counts.0, counts.1, what)
                let groups = try both { try backend.finalAttemptGroups(f).sorted { "\($0)" < "\($1)" } }
                XCTAssertEqual(groups.0, groups.1, what)
                let histogram = try both { try backend.durationHistogram(f).map { "\($0.value):\($0.count)" } }
                XCTAssertEqual(histogram.0, histogram.1, what)
                let unknown = try both { try backend.unknownDurations(f) }
                XCTAssertEqual(unknown.0, unknown.1, what)
                let slots = try both {
                    var sums: [String: Int] = [:]
                    try backend.quarterDurations(f) { sums["\($0.quarter):\($0.duration)", default: 0] += $0.calls }
                    return sums.filter { $0.value != 0 }
                }
                XCTAssertEqual(slots.0, slots.1, what)
                // The hours fold the same primitives: every fifth filter is enough.
                let hours =
                    round % 5 != 0
                    ? ([], [])
                    : try both {
                        try CallArchive(backend: backend).hours(f, zone: newYork).weekdays.map {
                            "\($0.weekday!) \($0.hour): \($0.calls) \($0.final) \($0.completed) \($0.answered) \($0.medianDuration ?? -1)"
                        }
                    }
                // Each cell names itself: what one side holds and the other lacks.
                XCTAssertEqual(hours.0.filter { !hours.1.contains($0) }, hours.1.filter { !hours.0.contains($0) }, what)
                for (period, utc) in [(DailyReport.Period.hour, false), (.day, false), (.week, true), (.month, false)] {
                    let rows = try both { DailyReport.build(try backend.quarterHours(f), by: period, utc: utc, timeZone: newYork) }
                    XCTAssertEqual(rows.0, rows.1, "\(what), by \(period)")
                }
            }
            // rebuild's recompute reaches the same figures the triggers kept.
            let dump = "SELECT * FROM call_attempts WHERE calls <> 0 ORDER BY 1, 2, 3, 4"
            let before = try db.prepare(dump).map { r in (0..<5).map { r.value($0).description } }
            try Aggregates.recompute(db)
            XCTAssertEqual(before, try db.prepare(dump).map { r in (0..<5).map { r.value($0).description } }, "seed \(seed)")
        }
    }

    /// The migration's SQL names the final statuses itself: they must be CallStatus's.
    func testTheAggregatesCountAttemptsOfTheFinalStatusesOnly() throws {
        let db = try Connection(path: ":memory:")
        try Migrator.migrate(db)
        for (i, status) in (CallStatus.documentedStatuses + ["odd"]).enumerated() {
            try db.prepare("INSERT INTO calls (call_id, status, queued_timestamp, first_seen_at) VALUES (?, ?, 1795000000, 0)").run(["c\(i)", status])
        }
        try db.transaction { try Aggregates.fold(db) }
        XCTAssertEqual(Set(try db.prepare("SELECT status FROM call_attempts").map { $0.string(0) }), CallStatus.finalStatuses)
    }

    func testDoctorFindsAggregatesThatDriftedAndRebuildRepairsThem() throws {
        let (db, backend) = try makeArchive(seed: 99, calls: 300)
        try db.transaction { try Aggregates.fold(db) }
        XCTAssertEqual(try Aggregates.mismatches(db), 0)
        // A tool that writes past the triggers (they can be dropped): drift.
        try db.execute(
            "UPDATE call_attempts SET calls = calls + 1 WHERE (day, status, attempts, max_attempts) IN (SELECT day, status, attempts, max_attempts FROM call_attempts WHERE calls > 0 LIMIT 1)"
        )
        XCTAssertEqual(try Aggregates.mismatches(db), 2, "one stored row differs, one recount row is missing")
        XCTAssertTrue(try backend.checks().contains { $0.level == .fail && $0.message.contains("report aggregates: 2 buckets differ") })
        try Aggregates.recompute(db)
        XCTAssertEqual(try Aggregates.mismatches(db), 0)
    }
}
