import XCTest

@testable import callhist

final class DurationArgumentTests: XCTestCase {
    /// Spans are `TimeSpan`'s (tested in HelpersTests); the argument keeps
    /// what was typed, which help shows as the default.
    func testSpansKeepWhatWasTyped() throws {
        let typed = try XCTUnwrap(DurationArgument(argument: " 1H30m "))
        XCTAssertEqual(typed.seconds, 5400)
        XCTAssertEqual(typed.defaultValueDescription, "1h30m")
        XCTAssertNil(DurationArgument(argument: "soon"))
    }
}
