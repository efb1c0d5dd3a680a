import Foundation
import SQLite
import TestSupport
import XCTest

@testable import ArchiveCore
@testable import CallHistory

/// A run whose row cannot take its end (the disk is full even for that one
/// update) keeps it in its lock file; `doctor` reads it there, and the next
/// writer closes the row from it (docs/reliability.md, "Stopping a run").
/// The second-signal path is tested through the binary
/// (`OperatorRunTests.testASecondSignalEndsTheProcessAtOnceAndTheFileStaysValid`).
final class RunEndTests: XCTestCase {
    func testAnEndTheRowCouldNotTakeIsRecordedByTheNextWriter() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("a.sqlite")
        let run: Int64 = try {
            let first = try CallArchive.openForWriting(path, warn: { _ in })
            defer { try? first.close() }
            return try XCTUnwrap(
                try first.backend.sql.integer("INSERT INTO archive_runs (kind, started_at) VALUES ('archive', 1000) RETURNING run_id"))
        }()

        // The run's process: its row is beyond reach, its lock file is not.
        do {
            let lock = try RunLock(archivePath: path)
            lock.record(runID: run)
            lock.recordEnd(runID: run, exitCode: 74, message: "ended by an error: the disk holding a.sqlite is full\nsecond line", at: 1234)
        }
        let kept = try XCTUnwrap(RunLock.unrecordedEnd(of: path), "doctor finds it while no one holds the lock")
        XCTAssertEqual(kept.runID, run)
        XCTAssertEqual(
            kept.end, RunLock.Holder.End(at: 1234, exitCode: 74, message: "ended by an error: the disk holding a.sqlite is full second line"))
        let doctor = try CallArchive.openForReading(path).checks().map(\.message)
        XCTAssertTrue(
            doctor.contains { $0.contains("exited 74: ended by an error: the disk holding a.sqlite is full second line (kept in the lock file") },
            "\(doctor)")

        // The next writer closes the row, once.
        let next = try CallArchive.openForWriting(path, warn: { _ in })
        let row = try XCTUnwrap(
            try next.backend.sql.first("SELECT ended_at, exit_code, message FROM archive_runs WHERE run_id = ?", [.integer(run)]) {
                "\($0.int64(0)) \($0.int64(1)) \($0.string(2))"
            })
        XCTAssertEqual(
            row, "1234 74 ended by an error: the disk holding a.sqlite is full second line (recorded by the next writer, from the lock file)")
        try next.close()
        XCTAssertNil(RunLock.unrecordedEnd(of: path), "the next writer's own line replaced it")
    }

    func testTheLockFileIsParsedAsWritten() {
        let h = RunLock.Holder.parse("pid=7 host=db1 started=99 run=3\nsecond-signal=15\n", modified: 500)
        XCTAssertEqual(h.runID, 3)
        XCTAssertEqual(h.end?.exitCode, 143)
        XCTAssertEqual(h.end?.at, 500)
        XCTAssertNil(RunLock.Holder.parse("pid=7 run=3\nsecond-signal=15\n").end, "no time, no end")
        XCTAssertNil(RunLock.Holder.parse("pid=7 run=3\nsecond-signal=999\n", modified: 5).end)
        XCTAssertNil(RunLock.Holder.parse("pid=7 run=3\n", modified: 5).end, "a killed run: nothing to record")
    }
}
