import XCTest

@testable import ArchiveCore

/// `report compare`'s statistics against published and hand-computed values.
final class TwoProportionsTests: XCTestCase {
    /// Newcombe 1998 (Statistics in Medicine 17:873–890), table II, method 10
    /// (the hybrid score interval built from Wilson intervals).
    func testNewcombesIntervalsForADifference() throws {
        let cases: [(Int, Int, Int, Int, Double, Double)] = [
            (56, 70, 48, 80, 0.0524, 0.3339), (9, 10, 3, 10, 0.1705, 0.8090), (6, 7, 2, 7, 0.0582, 0.8062), (5, 56, 0, 29, -0.0381, 0.1926),
        ]
        for (k1, n1, k2, n2, low, high) in cases {
            let t = try XCTUnwrap(TwoProportions(k1, of: n1, vs: k2, of: n2))
            XCTAssertEqual(t.difference, Double(k1) / Double(n1) - Double(k2) / Double(n2), accuracy: 1e-12)
            XCTAssertEqual(t.low, low, accuracy: 0.00005, "\(k1)/\(n1) − \(k2)/\(n2)")
            XCTAssertEqual(t.high, high, accuracy: 0.00005, "\(k1)/\(n1) − \(k2)/\(n2)")
        }
    }

    /// 56/70 against 48/80 by hand: pooled p = 104/150 = 0.693333, SE =
    /// √(0.693333 × 0.306667 × (1/70 + 1/80)) = 0.0754667, z = 0.2 / SE =
    /// 2.65018 — the square root of the table's Pearson χ² without
    /// correction, 150 × (56·32 − 14·48)² / (70·80·104·46) = 7.02347 — and
    /// the two-sided p = 2 × (1 − Φ(2.65018)) = 0.008045.
    func testThePValueOfThePooledZTest() throws {
        let t = try XCTUnwrap(TwoProportions(56, of: 70, vs: 48, of: 80))
        XCTAssertEqual(t.pValue ?? -1, 0.008045, accuracy: 0.000001)
        XCTAssertEqual(t.verdict, "very unlikely to be chance")
        XCTAssertEqual(t.words("completion"), "completion +20.0 points, 95% CI +5.2 to +33.4, very unlikely to be chance (p = 0.008)")
        // Swapped groups: the same test, the difference and interval mirrored.
        let back = try XCTUnwrap(TwoProportions(48, of: 80, vs: 56, of: 70))
        XCTAssertEqual(back.pValue ?? -1, t.pValue ?? -2, accuracy: 1e-12)
        XCTAssertEqual(back.low, -t.high, accuracy: 1e-12)
        // 30/50 against 25/50: pooled 0.55, SE = √(0.55 × 0.45 × 0.04) = 0.0994987,
        // z = 1.00504, p = 0.3149: chance explains it well.
        let close = try XCTUnwrap(TwoProportions(30, of: 50, vs: 25, of: 50))
        XCTAssertEqual(close.pValue ?? -1, 0.3149, accuracy: 0.0001)
        XCTAssertEqual(close.verdict, "could well be chance")
        // 60/100 against 46/100: z = 0.14 / √(0.53 × 0.47 × 0.02) = 1.98352, p = 0.0473.
        XCTAssertEqual(try XCTUnwrap(TwoProportions(60, of: 100, vs: 46, of: 100)).verdict, "unlikely to be chance")
    }

    func testGroupsWithoutTrialsOrWithoutVariation() throws {
        XCTAssertNil(TwoProportions(0, of: 0, vs: 3, of: 10), "no final call: nothing to compare")
        let same = try XCTUnwrap(TwoProportions(10, of: 10, vs: 20, of: 20))
        XCTAssertNil(same.pValue, "everyone completed in both groups: the test has no variance to weigh")
        XCTAssertEqual(same.verdict, "no difference to test")
        XCTAssertEqual(same.words("completion").prefix(23), "completion +0.0 points,")
        let clamped = try XCTUnwrap(TwoProportions(50, of: 10, vs: -5, of: 10))
        XCTAssertEqual(clamped.difference, 1, "counts a stranger's file could hold are clamped, never a trap")
    }
}
