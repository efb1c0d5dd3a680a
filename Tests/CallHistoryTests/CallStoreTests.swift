import XCTest

@testable import ArchiveCore

/// The store's pure rules; how answers are stored is `StoreBehaviour`, on both backends.
final class CallStoreTests: XCTestCase {
    func testBackoffDoublesFromAnHourToAWeek() {
        XCTAssertEqual(
            (0...10).map { CallStore.backoff(afterQuietChecks: $0) },
            [0, 3600, 7200, 14_400, 28_800, 57_600, 115_200, 230_400, 460_800, 604_800, 604_800])
    }
}
