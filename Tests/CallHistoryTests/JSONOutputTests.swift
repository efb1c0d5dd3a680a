import Foundation
import XCTest

@testable import ArchiveCore

/// The JSON writer's own leaves are byte for byte what JSONSerialization
/// writes, so every report's JSON stays as it was.
final class JSONOutputTests: XCTestCase {
    func testLeavesAreWrittenAsJSONSerializationWritesThem() {
        var state: UInt64 = 42
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        var doubles: [Double] = [
            0, 1, -1, 0.5, 1.0 / 3, 2.0 / 3, 0.7599882778157664, 12.5, 1e-4, 9.99e-5, 1e15 - 1, 1e15, 123_456.789, -0.0, 1e300, 5e-324,
        ]
        for _ in 0..<20_000 {
            let fraction = Double(next()) / Double(1 << 53)
            doubles.append(fraction)
            doubles.append(fraction * pow(10, Double(next() % 20)) - 1e5)
            doubles.append(Double(next() % 100_000) / Double(next() % 999 + 1))
        }
        for v in doubles { XCTAssertEqual(JSONOutput.leaf(v), JSONOutput.serializedLeaf(v), "\(v)") }
        for v in [0, 1, -1, Int.max, Int.min] { XCTAssertEqual(JSONOutput.leaf(v), JSONOutput.serializedLeaf(v)) }
        for v: Int64 in [0, 42, .max, .min] { XCTAssertEqual(JSONOutput.leaf(v), JSONOutput.serializedLeaf(v)) }
        for v in [true, false] { XCTAssertEqual(JSONOutput.leaf(v), JSONOutput.serializedLeaf(v)) }
        XCTAssertEqual(JSONOutput.leaf(NSNull()), "null")
        for s in ["", "spring", "2026-11-01T01:30-04:00", "é ✓ 漢字", "a/b", "quote \" back \\ slash", "tab\there", "\u{1b}[31m", "line\nbreak"] {
            XCTAssertEqual(JSONOutput.leaf(s), JSONOutput.serializedLeaf(s), s.debugDescription)
        }
    }
}
