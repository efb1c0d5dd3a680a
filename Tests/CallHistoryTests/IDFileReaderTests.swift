import CallHistory
import XCTest

final class IDFileReaderTests: XCTestCase {
    func read(_ text: String) throws -> [String] {
        var out: [String] = []
        try IDFileReader.parse(Array(text.utf8), name: "ids.txt") { id, _ in out.append(id) }
        return out
    }

    func testLinesCommentsCRLFAndBOM() throws {
        XCTAssertEqual(try read("\u{FEFF}a1\r\n# note\r\n\r\n  b2\t\n#c3\nc3"), ["a1", "b2", "c3"])
        XCTAssertEqual(try read(""), [])
    }

    func testCSVByItsCallIdColumn() throws {
        XCTAssertEqual(try read("name,Call_ID\r\n\"Smith, J\",x1\nDoe,\"x2\"\nNobody,\n"), ["x1", "x2"])
        XCTAssertEqual(try read("a,b\n"), ["a,b"], "without a call_id header a line is one id, commas and all")
    }

    func testRefusalsNameFileAndLine() {
        let cases: [(String, String)] = [
            ("ok\nbad id\n", "ids.txt:2"), ("ok\n\n\na/b", "ids.txt:4"), ("x\u{0}y", "control character"),
            (String(repeating: "x", count: 10_000), "10000 bytes"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try read(text)) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
        XCTAssertThrowsError(try IDFileReader.parse([0x61, 0xFF, 0x62], name: "bin") { _, _ in }) { error in
            XCTAssertTrue("\(error)".contains("bin:1"), "\(error)")
            XCTAssertTrue("\(error)".contains("UTF-8"), "\(error)")
        }
    }
}
