import FuseAPI
import XCTest

final class EndpointAndIDTests: XCTestCase {
    func testBaseURLRules() throws {
        XCTAssertEqual(try FuseEndpoint("https://fuse.plumvoice.com/api/").baseURL, "https://fuse.plumvoice.com/api")
        XCTAssertEqual(try FuseEndpoint("http://127.0.0.1:8089/api").baseURL, "http://127.0.0.1:8089/api")
        XCTAssertNoThrow(try FuseEndpoint("http://localhost:1/api"))
        XCTAssertNoThrow(try FuseEndpoint("http://[::1]:1/api"))
        XCTAssertThrowsError(try FuseEndpoint("http://fuse.plumvoice.com/api")) { XCTAssertTrue("\($0)".contains("unencrypted"), "\($0)") }
        XCTAssertThrowsError(try FuseEndpoint("http://127.0.0.1.evil.com/api"))
        XCTAssertThrowsError(try FuseEndpoint("ftp://x/api"))
        XCTAssertThrowsError(try FuseEndpoint("fuse.plumvoice.com"))
        XCTAssertThrowsError(try FuseEndpoint("https://me:key@fuse.plumvoice.com/api"))
    }

    func testIDsArePercentEncodedAsOneSegment() throws {
        let e = try FuseEndpoint("https://fuse.plumvoice.com/api")
        XCTAssertEqual(e.statusURL(for: "abc-123_X.~"), "https://fuse.plumvoice.com/api/outbound/abc-123_X.~")
        XCTAssertEqual(e.statusURL(for: "a+b:c@d"), "https://fuse.plumvoice.com/api/outbound/a%2Bb%3Ac%40d")
        XCTAssertEqual(e.statusURL(for: "é"), "https://fuse.plumvoice.com/api/outbound/%C3%A9")
    }

    func testCallIDRules() {
        for good in ["12345", "abc-DEF_9", "a+b", "a:b", "appel-é", String(repeating: "x", count: 128)] {
            XCTAssertNil(CallID.problem(with: good), good)
        }
        let bad: [(String, String)] = [
            ("", "empty"), ("a b", "white space"), ("a\tb", "white space"), ("a/b", "/"), ("a?b", "?"),
            ("a#b", "#"), ("a%20b", "%"), ("a\u{1}b", "control"), (String(repeating: "x", count: 129), "129 bytes"),
            ("..", "not a call id"), ("a\u{FFFD}", "UTF-8"),
        ]
        for (id, reason) in bad {
            let problem = CallID.problem(with: id)
            XCTAssertNotNil(problem, id)
            XCTAssertTrue(problem?.contains(reason) ?? false, "\(id): \(problem ?? "nil")")
        }
    }
}
