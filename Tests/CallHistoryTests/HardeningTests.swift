import FuseAPI
import SQLite
import TestSupport
import XCTest

@testable import ArchiveCore
@testable import ArchiveSQLite
@testable import CallHistory

/// Issue 10, in-process: each rule of docs/reliability.md on hand-computed values.
final class HardeningTests: XCTestCase {
    var dir: TemporaryDirectory!
    var db: Connection!
    var store: CallStore!
    override func setUp() async throws {
        dir = try TemporaryDirectory()
        db = try ArchiveFile.openForWriting(dir.path("a.sqlite"))
        store = try CallStore(db: db, runID: nil)
    }

    func status(_ json: String) throws -> CallStatus { try StatusDecoder.decode(Array(json.utf8), format: .json) }
    func value(_ sql: String) throws -> String? { try db.scalarString(sql) }

    // MARK: 1. Values from outside never trap

    func testEdgeValuesAreStoredAsNullWithTheFieldNamedAndTheBodyKept() throws {
        let body =
            #"{"call_details": {"status": "completed", "duration": "9223372036854775807", "attempts": "1", "events": [{"event": "connected", "timestamp": "-9000000000000000000"}, {"event": "disconnected", "timestamp": "9000000000000000000"}]}}"#
        XCTAssertEqual(try store.store("c1", try status(body), at: 1000), .new)
        XCTAssertEqual(
            try value("SELECT coalesce(duration, 'null') || ' ' || coalesce(event_duration, 'null') || ' ' || attempts FROM calls"), "null null 1")
        XCTAssertEqual(try value("SELECT group_concat(coalesce(timestamp, 'null')) FROM call_events"), "null,null")
        let error = try value("SELECT last_error FROM calls") ?? ""
        for field in [
            #"duration "9223372036854775807""#, #"events[0].timestamp "-9000000000000000000""#, #"events[1].timestamp "9000000000000000000""#,
        ] {
            XCTAssertTrue(error.contains(field), error)
        }
        XCTAssertEqual(try value("SELECT body FROM call_snapshots"), body, "the body is kept verbatim")
        // A later clean body clears the refusal.
        _ = try store.store("c1", try status(#"{"call_details": {"status": "completed", "duration": 5, "attempts": "1"}}"#), at: 2000)
        XCTAssertEqual(try value("SELECT coalesce(last_error, 'none') || ' ' || duration FROM calls"), "none 5")
    }

    func testEventDurationOfStoredExtremesIsUnknownNotATrap() {
        let events = [CallStatus.Event(event: "connected", timestamp: .min), .init(event: "disconnected", timestamp: .max)]
        XCTAssertNil(CallStore.eventDuration(events))
        XCTAssertEqual(CallStore.eventDuration([.init(event: "connected", timestamp: 10), .init(event: "disconnected", timestamp: 25)]), 15)
        XCTAssertNil(SafeMath.minus(.max, -1))
        XCTAssertEqual(SafeMath.minus(5, 7), -2)
        XCTAssertEqual(SafeMath.plus(.max - 1, 10), .max)
        XCTAssertEqual(SafeMath.plus(.min + 1, -10), .min)
    }

    func testEveryReportWorksOnInt64ExtremesInEveryColumn() throws {
        _ = try store.store(
            "hi",
            try status(
                #"{"call_details": {"status": "completed", "duration": 5, "attempts": "1", "max_attempts": "1", "queued_timestamp": "1000", "events": [{"event": "connected", "timestamp": 1}]}}"#
            ), at: 1000)
        _ = try store.store(
            "lo",
            try status(
                #"{"call_details": {"status": "queued", "attempts": "1", "queued_timestamp": "1000", "events": [{"event": "queued", "timestamp": 1}]}}"#
            ), at: 1000)
        // What another tool could write: every integer column at an edge.
        for (id, v) in [("hi", Int64.max), ("lo", Int64.min)] {
            try db.execute(
                "UPDATE calls SET attempts = \(v), max_attempts = \(v), queued_timestamp = \(v), start_timestamp = \(v), end_timestamp = \(v), last_attempt_timestamp = \(v), reattempt_wait = \(v), duration = \(v), event_duration = \(v), first_seen_at = \(v), last_fetched_at = \(v), next_check_at = \(v), unchanged_checks = \(v), is_stale = \(v) WHERE call_id = '\(id)'"
            )
            try db.execute("UPDATE call_events SET timestamp = \(v) WHERE call_id = '\(id)'")
        }
        let summary = try CallArchive(connection: db).summary(CallFilter())
        XCTAssertEqual(summary.calls, 2)
        XCTAssertEqual(summary.duration.max, .max)
        XCTAssertEqual(summary.duration.p50, .max)
        XCTAssertEqual(summary.meanAttempts, Double(Int64.max))
        XCTAssertEqual(try CallArchive(connection: db).daily(CallFilter(), by: .day, utc: true).count, 0, "no calendar places these times")
        XCTAssertEqual(try CallArchive(connection: db).attempts(CallFilter()).byAttempts.first?.attempts, .max)
        XCTAssertEqual(try CallArchive(connection: db).durations(CallFilter()).buckets.last?.count, 1)
        let pending = try CallArchive(connection: db).pending(CallFilter(), limit: 0)
        XCTAssertEqual(pending.rows.map(\.callID), ["lo"])
        XCTAssertEqual(pending.stale, 1)
        XCTAssertNil(pending.rows[0].openFor(now: 1000), "now − Int64.min does not fit: unknown")
        let call = try XCTUnwrap(try CallArchive(connection: db).call("hi"))
        XCTAssertNil(call.events[0].sincePrevious)
    }

    // MARK: 3. Bodies byte for byte; duplicate keys

    func testABodyThatIsNotUTF8IsKeptExactly() throws {
        var body = Array(#"{"call_details": {"status": "queued", "note": "X"}}"#.utf8)
        body[body.firstIndex(of: UInt8(ascii: "X"))!] = 0xFF
        _ = try store.store("c1", try StatusDecoder.decode(body, format: .json), at: 1)
        let stored = try db.prepare("SELECT body, body_sha256 FROM call_snapshots").first { ($0.textBytes(0), $0.string(1)) }
        XCTAssertEqual(stored?.0, body)
        XCTAssertEqual(stored?.1, SHA256.hex(body))
        XCTAssertEqual(try value("SELECT hex(body) FROM call_snapshots"), body.map { String(format: "%02X", $0) }.joined())
    }

    func testDuplicateKeysAgreeWithJSONExtract() throws {
        _ = try store.store(
            "c1", try status(#"{"call_details": {"status": "queued", "status": "completed", "attempts": "1", "attempts": "2"}}"#), at: 1)
        XCTAssertEqual(
            try value(
                "SELECT c.status || ' ' || c.attempts || ' / ' || json_extract(s.body, '$.call_details.status') || ' ' || json_extract(s.body, '$.call_details.attempts') FROM calls c JOIN call_snapshots s USING (snapshot_id)"
            ),
            "queued 1 / queued 1")
    }

    // MARK: 8. History only moves forward

    func testAnOlderAnswerIsKeptButChangesNothing() throws {
        let done = try status(
            #"{"call_details": {"status": "completed", "attempts": "1", "duration": 9, "events": [{"event": "queued", "timestamp": 10}, {"event": "connected", "timestamp": 20}, {"event": "disconnected", "timestamp": 29}]}}"#
        )
        let dialing = try status(
            #"{"call_details": {"status": "dialing", "attempts": "1", "events": [{"event": "queued", "timestamp": 10}, {"event": "dialing", "timestamp": 15}]}}"#
        )
        XCTAssertEqual(try store.store("c1", done, at: 100), .new)
        XCTAssertEqual(try store.store("c1", dialing, at: 200), .older)
        XCTAssertEqual(try value("SELECT status || ' ' || is_final || ' ' || duration || ' ' || last_outcome FROM calls"), "completed 1 9 older")
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM call_events"), 3)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM call_snapshots"), 2, "the older body is still archived")
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM status_changes"), 1)

        // Two in-progress answers: the newest event timestamp decides.
        let connected = try status(#"{"call_details": {"status": "connected", "events": [{"event": "connected", "timestamp": 50}]}}"#)
        let ringing = try status(#"{"call_details": {"status": "dialing", "events": [{"event": "dialing", "timestamp": 40}]}}"#)
        XCTAssertEqual(try store.store("c2", connected, at: 100), .new)
        XCTAssertEqual(try store.store("c2", ringing, at: 200), .older)
        XCTAssertEqual(try db.scalarString("SELECT status FROM calls WHERE call_id = 'c2'"), "connected")
        let later = try status(#"{"call_details": {"status": "dialing", "attempts": "2", "events": [{"event": "dialing", "timestamp": 60}]}}"#)
        XCTAssertEqual(try store.store("c2", later, at: 300), .changed, "a newer retry attempt lands")
    }

    func testRebuildAppliesTheSameRuleAndRepairsAnOverwrittenCall() throws {
        let done = try status(#"{"call_details": {"status": "completed", "duration": 9, "events": [{"event": "connected", "timestamp": 20}]}}"#)
        let dialing = try status(#"{"call_details": {"status": "dialing", "events": [{"event": "dialing", "timestamp": 15}]}}"#)
        _ = try store.store("c1", done, at: 100)
        _ = try store.store("c1", dialing, at: 200)
        // As an earlier callhist would have left it: the older body derived into calls.
        let older = try db.scalarInt("SELECT max(snapshot_id) FROM call_snapshots")!
        try store.rederive("c1", from: dialing, snapshotID: older)
        XCTAssertEqual(try value("SELECT status FROM calls"), "dialing")
        let report = try Rebuilder(db: db).run()
        XCTAssertEqual(report.changed, 1)
        XCTAssertEqual(try value("SELECT status || ' ' || is_final || ' ' || duration FROM calls"), "completed 1 9")
        XCTAssertEqual(try Rebuilder(db: db).run().changed, 0, "a second rebuild changes nothing")
    }

    // MARK: 4. Nothing waits uncommitted

    func testTheQueueRunsIdleBeforeItWaits() throws {
        let queue = BlockingQueue<Int>(capacity: 4)
        var idles = 0
        queue.put(1)
        XCTAssertEqual(queue.takeAll { idles += 1 }, [1])
        XCTAssertEqual(idles, 0, "items waiting: no idle commit")
        queue.close()
        XCTAssertEqual(queue.takeAll { idles += 1 }, [])
        XCTAssertEqual(idles, 0, "closed: nothing to wait for")
        let open = BlockingQueue<Int>(capacity: 4)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { open.put(7) }
        XCTAssertEqual(open.takeAll { idles += 1 }, [7])
        XCTAssertEqual(idles, 1, "empty: idle ran before waiting")
    }

    // MARK: 5. Private files

    func testFilesAreBornPrivateAndExistingModesSurvive() throws {
        XCTAssertEqual(PrivateFile.mode(of: dir.path("a.sqlite")), 0o600)
        let out = dir.path("export.csv")
        try AtomicRename.write(to: out) { try $0.write("a\n") }
        XCTAssertEqual(PrivateFile.mode(of: out), 0o600)
        chmod(out, 0o640)
        try AtomicRename.write(to: out) { try $0.write("b\n") }
        XCTAssertEqual(PrivateFile.mode(of: out), 0o640, "an existing file keeps its mode")
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "b\n")
    }

    func testAFullDiskIsAnErrorAndLeavesNothingPartial() throws {
        let sink = OutputSink(fd: open("/dev/full", O_WRONLY), name: "/dev/full")
        XCTAssertThrowsError(try sink.write(String(repeating: "x", count: 70_000))) { error in
            XCTAssertTrue("\(error)".contains("the disk is full"), "\(error)")
        }
        XCTAssertThrowsError(try AtomicRename.write(to: dir.path("missing/x.csv")) { try $0.write("a") }) { error in
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
        struct Boom: Error {}
        XCTAssertThrowsError(
            try AtomicRename.write(to: dir.path("y.csv")) { sink in
                try sink.write("half")
                throw Boom()
            })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.contains("y.csv") }, [], "no partial file")
    }

    // MARK: 6. Line reading

    func testLinesArriveWhenTheirNewlineDoesAndOverlongLinesAreSkipped() throws {
        let path = try dir.write("in.txt", "ab\n" + String(repeating: "x", count: 200_000) + "\ncd\nlast")
        let reader = try LineReader(path: path, what: "test file", maxLineBytes: 100_000)
        var lines: [String] = []
        try reader.forEachLine { line, n in lines.append("\(n):" + (line.map { String(decoding: $0, as: UTF8.self) } ?? "<too long>")) }
        XCTAssertEqual(lines, ["1:ab", "2:<too long>", "3:cd", "4:last"])
        XCTAssertThrowsError(try LineReader(path: dir.url.path, what: "ids file", maxLineBytes: 10)) { error in
            XCTAssertTrue("\(error)".contains("is a folder"), "\(error)")
        }
        XCTAssertThrowsError(try LineReader(path: dir.path("nope"), what: "ids file", maxLineBytes: 10)) { error in
            XCTAssertEqual("\(error)", "cannot read ids file \(dir.path("nope")): no such file")
        }
    }

    // MARK: 11. Safe output

    func testControlCharactersAreEscapedAndFormulasNeutralised() {
        XCTAssertEqual(SafeText.escape("a\u{1b}]52;c;aGk=\u{7}b"), "a\\u001b]52;c;aGk=\\u0007b")
        XCTAssertEqual(SafeText.escape("\u{202e}x\u{85}\u{7f}\t"), "\\u202ex\\u0085\\u007f\\u0009")
        XCTAssertEqual(SafeText.escape("plain ünïcødé"), "plain ünïcødé")
        XCTAssertEqual(SafeText.csvField("=1+2"), "'=1+2")
        XCTAssertEqual(SafeText.csvField("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(SafeText.csvField("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0")
        XCTAssertEqual(SafeText.csvField("-2+3"), "'-2+3")
        XCTAssertEqual(SafeText.csvField("\tx"), "'\tx")
        XCTAssertEqual(SafeText.csvField("\rx"), "\"'\rx\"")
        XCTAssertEqual(SafeText.csvField("=\"a\",b"), "\"'=\"\"a\"\",b\"")
        XCTAssertEqual(SafeText.csvField("-5"), "-5", "a plain number is a number")
        XCTAssertEqual(SafeText.csvField("+16175550100"), "+16175550100")
        XCTAssertEqual(SafeText.csvField("-1.5"), "-1.5")
        XCTAssertEqual(SafeText.csvField("-"), "'-")
        XCTAssertEqual(SafeText.csvField("a,b"), "\"a,b\"")
    }
}
