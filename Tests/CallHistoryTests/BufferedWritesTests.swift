import Foundation
import FuseAPI
import SQLite
import XCTest

@testable import ArchiveCore
@testable import ArchiveSQLite

/// A run's SQLite writes (`SQLiteCallBuffer`: calls without a body yet
/// held for the batch, written with multi-row statements at its commit)
/// against the same answers stored one statement at a time: every table
/// the same, snapshot ids included.
final class BufferedWritesTests: XCTestCase {
    typealias Random = AggregatesPropertyTests.Random

    /// A JSON status as Fuse writes it: numbers as strings, some refused
    /// (out of range), up to 40 events.
    func answer(_ r: inout Random, round: Int) throws -> CallStatus {
        let status = r.pick(["queued", "dialing", "connected", "completed", "completed", "failed", "canceled", "rejected"])
        let queued = 1_790_000_000 + r.int(0...400_000)
        let attempts = r.int(0...3)
        var events: [String] = []
        for k in 0..<r.pick([0, 1, 4, 4, 5, 40]) {
            events.append(
                #"{"event":"\#(r.pick(["queued", "dialing", "connected", "disconnected"]))","timestamp":\#(queued + Int64(k) * r.int(1...90))}"#)
        }
        let duration = r.int(0...9) == 0 ? #""1e400""# : "\(r.int(0...900))"
        let text = """
            {"call_details":{"status":"\(status)","attempts":"\(attempts)","max_attempts":"\(attempts + r.int(0...2))",\
            "queued_timestamp":"\(queued)","start_timestamp":"\(queued + 5)","end_timestamp":"\(queued + 60)","duration":\(duration),\
            "phone_number":"'617555\(r.int(1000...9999))'","reattempt_wait":"300","round":\(round),"events":[\(events.joined(separator: ","))]}}
            """
        return try StatusDecoder.decode(Array(text.utf8), format: .json)
    }

    /// Rounds of answers: 160 ids, 40 of them remembered before any answer
    /// (an archive run's new ids), some absent (an import's); each round
    /// answers a random part of them, a few twice in one batch, some with
    /// the body they had (unchanged).
    func rounds(seed: UInt64) throws -> [[(String, CallStatus)]] {
        var r = Random(state: seed)
        var last: [String: CallStatus] = [:]
        var out: [[(String, CallStatus)]] = []
        for round in 0..<4 {
            var answers: [(String, CallStatus)] = []
            for i in 0..<160 where r.int(0...3) > 0 {
                let id = "c\(i)"
                let status = try last[id].flatMap { r.int(0...3) == 0 ? $0 : nil } ?? answer(&r, round: round)
                answers.append((id, status))
                last[id] = status
                if r.int(0...15) == 0 { answers.append((id, try answer(&r, round: round))) }
            }
            out.append(answers)
        }
        return out
    }

    static let tables = [
        "SELECT * FROM calls ORDER BY call_id",
        "SELECT * FROM call_snapshots ORDER BY snapshot_id",
        "SELECT * FROM call_events ORDER BY call_id, seq",
        // A buffered call's change is written at the commit: the same rows, numbered later.
        "SELECT call_id, old_status, new_status, observed_at, run_id FROM status_changes ORDER BY call_id, change_id",
        "SELECT * FROM call_quarters ORDER BY 1, 2, 3",
        "SELECT * FROM call_attempts ORDER BY 1, 2, 3, 4",
        "SELECT * FROM call_durations ORDER BY 1, 2, 3",
        "SELECT * FROM call_quarter_durations ORDER BY 1, 2, 3",
    ]

    func dump(_ db: Connection) throws -> [String] {
        try Self.tables.map { sql in
            try db.prepare(sql).map { row in
                (0..<row.columnCount).map { row.isNull($0) ? "NULL" : String(decoding: row.textBytes($0), as: UTF8.self) }.joined(separator: "|")
            }.joined(separator: "\n")
        }
    }

    func remembered(_ db: Connection) throws {
        let store = try CallStore(db: db, runID: nil)
        try db.transaction { for i in 0..<40 { try store.remember("c\(i)", at: 1_790_000_000) } }
    }

    func testBatchesWrittenAtTheirCommitHoldWhatOneStatementACallWrote() throws {
        for seed: UInt64 in [1, 2, 3] {
            let rounds = try rounds(seed: seed)
            // One statement a call, a transaction per 100 answers.
            let plain = try Connection(path: ":memory:")
            try Migrator.migrate(plain)
            try remembered(plain)
            let direct = try CallStore(db: plain, runID: nil)
            var changes: [[CallStore.Change]] = []
            for (k, answers) in rounds.enumerated() {
                var seen: [CallStore.Change] = []
                for start in stride(from: 0, to: answers.count, by: 100) {
                    try plain.transaction {
                        for (id, status) in answers[start..<min(start + 100, answers.count)] {
                            seen.append(try direct.store(id, status, at: 1_790_500_000 + Int64(k) * 3600))
                        }
                    }
                }
                changes.append(seen)
            }
            try plain.transaction { try Aggregates.fold(plain) }

            // A run's rows: the buffer, a batch per 100 writes.
            let buffered = try Connection(path: ":memory:")
            try Migrator.migrate(buffered)
            try remembered(buffered)
            let rows = try SQLiteRunRows(db: buffered)
            let store = try CallStore(rows: rows.calls, runID: nil)
            for (k, answers) in rounds.enumerated() {
                let writer = BatchWriter(rows: rows, maxRows: 100, maxInterval: .seconds(3600))
                var seen: [CallStore.Change] = []
                for (id, status) in answers {
                    try writer.write {
                        seen.append(try store.store(id, status, sha256: SHA256.hex(status.body), at: 1_790_500_000 + Int64(k) * 3600))
                    }
                }
                try writer.finish()
                XCTAssertEqual(seen, changes[k], "seed \(seed), round \(k): the same judgement of each answer")
            }
            let (a, b) = (try dump(plain), try dump(buffered))
            for (i, sql) in Self.tables.enumerated() { XCTAssertEqual(b[i], a[i], "seed \(seed): \(sql)") }
            // The rounds did write: first answers, changes, events past one statement's rows.
            XCTAssertGreaterThan(try buffered.scalarInt("SELECT count(*) FROM call_snapshots") ?? 0, 300)
            XCTAssertGreaterThan(try buffered.scalarInt("SELECT count(*) FROM call_events") ?? 0, 1000)
            XCTAssertEqual(try buffered.scalarInt("SELECT count(*) FROM calls WHERE status IS NULL"), 0)
        }
    }

    func testABatchRolledBackLeavesNothingItHeld() throws {
        let db = try Connection(path: ":memory:")
        try Migrator.migrate(db)
        let rows = try SQLiteRunRows(db: db)
        let store = try CallStore(rows: rows.calls, runID: nil)
        var r = Random(state: 9)
        let writer = BatchWriter(rows: rows, maxRows: 1000, maxInterval: .seconds(3600))
        for i in 0..<50 { try writer.write { _ = try store.store("lost\(i)", try answer(&r, round: 0), at: 1_790_500_000) } }
        struct Refused: Error {}
        XCTAssertThrowsError(try writer.write { throw Refused() })
        for i in 0..<3 { try writer.write { _ = try store.store("kept\(i)", try answer(&r, round: 0), at: 1_790_500_000) } }
        try writer.finish()
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM calls WHERE call_id LIKE 'lost%'"), 0)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM call_snapshots WHERE call_id LIKE 'lost%'"), 0)
        XCTAssertEqual(
            try db.scalarString("SELECT group_concat(x) FROM (SELECT call_id || ':' || snapshot_id AS x FROM calls ORDER BY call_id)"),
            "kept0:1,kept1:2,kept2:3")
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM status_changes"), 3)
    }
}
