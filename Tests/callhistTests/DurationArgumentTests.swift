@testable import callhist
import XCTest

final class DurationArgumentTests: XCTestCase {
    func testSpansAsTyped() {
        XCTAssertEqual(DurationArgument.parse("90"), 90)
        XCTAssertEqual(DurationArgument.parse("90s"), 90)
        XCTAssertEqual(DurationArgument.parse("15m"), 900)
        XCTAssertEqual(DurationArgument.parse("1.5h"), 5400)
        XCTAssertEqual(DurationArgument.parse(" 7D "), 604_800)
        XCTAssertEqual(DurationArgument.parse("2w"), 1_209_600)
        XCTAssertEqual(DurationArgument.parse("100y"), nil, "no such unit")
        XCTAssertEqual(DurationArgument.parse("36500d"), 3_153_600_000, "a hundred years of days is allowed")
        for refused in ["1e20s", "-1", "-1s", "inf", "nans", "", "s", "99999999999999999999"] {
            XCTAssertNil(DurationArgument.parse(refused), refused)
        }
    }
}
