import Foundation
import FuseAPI
import FuseMock
import XCTest

/// What a broken or hostile server can send: each gets a clear error or a
/// bounded, correct result — never a crash or unbounded memory.
final class HostileInputTests: XCTestCase {
    func client(_ server: MockHTTPServer) throws -> FuseClient {
        var c = FuseClient.Configuration(endpoint: try FuseEndpoint(server.baseURL + "/api"), credentials: .basic(email: "a@b.c", developerKey: "k"))
        c.retry = RetryPolicy(retries: 2, baseDelay: .milliseconds(5), maxDelay: .milliseconds(10))
        return FuseClient(c)
    }

    func outcome(_ server: MockHTTPServer) throws -> (FetchOutcome?, FetchSummary) {
        var result: FetchOutcome?
        let summary = try client(server).fetch(["x"]) { result = $0.outcome }
        return (result, summary)
    }

    func testFiftyMegabyteBodyIsRefusedWithoutBeingHeld() throws {
        let big = [UInt8](repeating: UInt8(ascii: " "), count: 50 << 20)
        let server = try MockHTTPServer { _ in MockResponse(status: 200, headers: [("Content-Type", "application/json")], body: big) }
        defer { server.shutdown() }
        let (result, summary) = try outcome(server)
        guard case .failed(let failure)? = result else { return XCTFail("\(String(describing: result))") }
        XCTAssertTrue(failure.reason.contains("larger than"), failure.reason)
        XCTAssertEqual(summary.requests, 1, "a body too large is not fetched again")
    }

    func testDeeplyNestedJSONIsAnErrorNotAStackOverflow() {
        for body in [
            String(repeating: "[", count: 100_000),
            "{\"call_details\": " + String(repeating: "{\"a\":", count: 50_000) + "1" + String(repeating: "}", count: 50_001),
        ] {
            XCTAssertThrowsError(try StatusDecoder.decode(Array(body.utf8), format: .json)) { error in
                XCTAssertTrue("\(error)".contains("nesting deeper than"), "\(error)")
            }
        }
    }

    func testXMLEntityExpansionIsRefused() {
        let lol = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
            <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
            <result><call_details><status>&lol3;</status></call_details></result>
            """
        XCTAssertThrowsError(try StatusDecoder.decode(Array(lol.utf8), format: .xml)) { error in
            XCTAssertTrue("\(error)".contains("DOCTYPE"), "\(error)")
        }
        let external = #"<result><call_details><status>&xxe;</status></call_details></result>"#
        XCTAssertThrowsError(try StatusDecoder.decode(Array(external.utf8), format: .xml)) { error in
            XCTAssertTrue("\(error)".contains("not expanded"), "\(error)")
        }
    }

    func testWrongContentTypeIsJudgedByTheBody() throws {
        let server = try MockHTTPServer { request in
            request.path.hasSuffix("/x")
                ? MockResponse(
                    status: 200, contentType: "text/html; charset=iso-8859-1", text: #"{"call_details": {"status": "completed", "duration": 5}}"#)
                : MockResponse(status: 200, contentType: "application/json", text: "<html><body>Maintenance</body></html>")
        }
        defer { server.shutdown() }
        guard case .found(let s)? = try outcome(server).0 else { return XCTFail("a JSON body under text/html is still a status") }
        XCTAssertEqual(s.duration, 5)
        var html: FetchOutcome?
        try client(server).fetch(["y"]) { html = $0.outcome }
        // An HTML page is not the API, whatever its Content-Type says: the run
        // stops as misconfigured (a portal or proxy), quoting the page.
        guard case .misconfigured(let message)? = html else { return XCTFail("\(String(describing: html))") }
        XCTAssertTrue(message.contains("Maintenance") && message.contains("HTML"), message)
    }
}
