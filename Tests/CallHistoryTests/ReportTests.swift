import FuseAPI
import SQLite
import TestSupport
import XCTest

@testable import ArchiveCore
@testable import ArchiveSQLite
@testable import CallHistory

/// SQLite reads the reports through its indexes; what the reports say is
/// `ReportBehaviour`, on both backends.
final class ReportTests: XCTestCase {
    var dir: TemporaryDirectory!
    var db: Connection!

    override func setUp() async throws {
        dir = try TemporaryDirectory()
        db = try ArchiveFile.openForWriting(dir.path("r.sqlite"))
    }

    func testTimeFilterUsesTheQueuedIndex() throws {
        let plan = try db.prepare("EXPLAIN QUERY PLAN SELECT count(*) FROM (\(ReportSQL.base(CallFilter(since: 1, until: 2)).sql)) c")
            .map([1, 2]) { $0.string(3) }.joined(separator: "; ")
        XCTAssertTrue(plan.contains("SEARCH c USING") && plan.contains("INDEX"), plan)
        XCTAssertFalse(plan.contains("SCAN c"), plan)
    }

}
