import Foundation
import FuseAPI
import XCTest

final class StatusDecoderTests: XCTestCase {
    func fixture(_ name: String) throws -> [UInt8] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    /// The documented example call, field by field.
    func assertDocumentedExample(_ s: CallStatus) {
        XCTAssertEqual(s.status, "completed")
        XCTAssertEqual(s.attempts, 1)
        XCTAssertEqual(s.maxAttempts, 1)
        XCTAssertEqual(s.queuedTimestamp, 1_475_095_892)
        XCTAssertEqual(s.startTimestamp, 1_475_095_925)
        XCTAssertEqual(s.endTimestamp, 1_475_095_928)
        XCTAssertEqual(s.reattemptWait, 300)
        XCTAssertEqual(s.duration, 3)
        XCTAssertEqual(s.phoneNumber, "6173720293")
        XCTAssertEqual(
            s.events,
            [
                .init(event: "queued", timestamp: 1_475_095_892), .init(event: "dialing", timestamp: 1_475_095_893),
                .init(event: "connected", timestamp: 1_475_095_925), .init(event: "disconnected", timestamp: 1_475_095_928),
            ])
        XCTAssertTrue(s.isFinal)
    }

    func testDocumentedJSONExample() throws {
        let body = try fixture("status-completed.json")
        let s = try StatusDecoder.decode(body, format: .json)
        assertDocumentedExample(s)
        XCTAssertEqual(s.body, body, "the raw body is kept byte for byte")
        XCTAssertEqual(s.format, .json)
    }

    func testDocumentedXMLExample() throws {
        let body = try fixture("status-completed.xml")
        let s = try StatusDecoder.decode(body, format: .xml)
        assertDocumentedExample(s)
        XCTAssertEqual(s.format, .xml)
        let json = try StatusDecoder.decode(try fixture("status-completed.json"), format: .json)
        XCTAssertTrue(s.sameFacts(as: json))
    }

    func testDocumentedErrorBodies() throws {
        XCTAssertEqual(StatusDecoder.errorMessage(try fixture("error-404.json")), "No outbound call was found by that id.")
        XCTAssertEqual(StatusDecoder.errorMessage(try fixture("error-404.xml")), "No outbound call was found by that id.")
        XCTAssertThrowsError(try StatusDecoder.decode(try fixture("error-404.json"), format: .json)) { error in
            XCTAssertTrue("\(error)".contains("No outbound call was found"), "\(error)")
        }
        XCTAssertNil(StatusDecoder.errorMessage(Array("<html>oops</html>".utf8)))
    }

    func decode(_ details: String) throws -> CallStatus {
        try StatusDecoder.decode(Array("{\"call_details\": {\(details)}}".utf8), format: .json)
    }

    func testIntegersFromEveryLooseForm() throws {
        XCTAssertEqual(try decode(#""status": "queued", "attempts": 2"#).attempts, 2)
        XCTAssertEqual(try decode(#""status": "queued", "attempts": "2""#).attempts, 2)
        XCTAssertEqual(try decode(#""status": "queued", "attempts": " 2 ""#).attempts, 2)
        XCTAssertNil(try decode(#""status": "queued", "attempts": """#).attempts)
        XCTAssertNil(try decode(#""status": "queued", "attempts": null"#).attempts)
        XCTAssertNil(try decode(#""status": "queued""#).attempts)
        XCTAssertEqual(try decode(#""status": "queued", "duration": 3.0"#).duration, 3)
        XCTAssertEqual(try decode(#""status": "queued", "duration": "12.0""#).duration, 12)
        XCTAssertEqual(try decode(#""status": "queued", "queued_timestamp": "1475095892""#).queuedTimestamp, 1_475_095_892)
    }

    func testNumbersOutsideTheirRangeOrNotWholeAreRefusedNotTrapped() throws {
        // Refused fields become nil and are named; the rest of the body still decodes.
        let s = try decode(
            #""status": "completed", "attempts": "two", "duration": true, "max_attempts": "3", "queued_timestamp": "-9000000000000000000", "start_timestamp": 1.5e300, "end_timestamp": "1e400", "reattempt_wait": "99999999999999999999", "last_attempt_timestamp": 1.5, "events": [{"event": "connected", "timestamp": "9223372036854775807"}, {"event": "disconnected", "timestamp": 100}]"#
        )
        XCTAssertEqual(s.status, "completed")
        XCTAssertEqual(s.maxAttempts, 3)
        XCTAssertNil(s.attempts)
        XCTAssertNil(s.duration)
        XCTAssertNil(s.queuedTimestamp)
        XCTAssertNil(s.startTimestamp)
        XCTAssertNil(s.endTimestamp)
        XCTAssertNil(s.reattemptWait)
        XCTAssertNil(s.lastAttemptTimestamp)
        XCTAssertEqual(s.events, [.init(event: "connected", timestamp: nil), .init(event: "disconnected", timestamp: 100)])
        XCTAssertEqual(
            s.refusedFields,
            [
                #"events[0].timestamp "9223372036854775807""#, #"attempts "two""#, #"queued_timestamp "-9000000000000000000""#,
                "start_timestamp 1.5e300", #"end_timestamp "1e400""#, "last_attempt_timestamp 1.5", #"reattempt_wait "99999999999999999999""#,
                "duration true",
            ])
    }

    func testRangeEdgesAreInclusive() throws {
        XCTAssertEqual(try decode(#""status": "queued", "queued_timestamp": 253402300799"#).queuedTimestamp, 253_402_300_799)
        XCTAssertNil(try decode(#""status": "queued", "queued_timestamp": 253402300800"#).queuedTimestamp)
        XCTAssertEqual(try decode(#""status": "queued", "duration": "315360000""#).duration, 315_360_000)
        XCTAssertNil(try decode(#""status": "queued", "duration": "315360001""#).duration)
        XCTAssertNil(try decode(#""status": "queued", "duration": -1"#).duration)
        XCTAssertEqual(try decode(#""status": "queued", "attempts": 1e6"#).attempts, 1_000_000)
        XCTAssertNil(try decode(#""status": "queued", "attempts": 1000001"#).attempts)
    }

    func testDuplicateKeysKeepTheFirstValueAsSQLiteDoes() throws {
        let s = try StatusDecoder.decode(
            Array(
                #"{"call_details": {"status": "queued", "status": "completed", "duration": 5, "duration": 9}, "call_details": {"status": "failed"}}"#
                    .utf8), format: .json)
        XCTAssertEqual(s.status, "queued")
        XCTAssertEqual(s.duration, 5)
    }

    func testPhoneNumberQuotesAndAbsence() throws {
        XCTAssertEqual(try decode(#""status": "queued", "phone_number": "'6173720293'""#).phoneNumber, "6173720293")
        XCTAssertEqual(try decode(#""status": "queued", "phone_number": "6173720293""#).phoneNumber, "6173720293")
        XCTAssertEqual(try decode(#""status": "queued", "phone_number": 6173720293"#).phoneNumber, "6173720293")
        XCTAssertNil(try decode(#""status": "queued", "phone_number": "''""#).phoneNumber)
        XCTAssertNil(try decode(#""status": "queued""#).phoneNumber)
    }

    func testEmptyScheduleFieldsAndUnknownValuesAreKept() throws {
        let s = try decode(
            #""status": "voicemail", "start_timestamp": "", "end_timestamp": "", "events": [{"event": "beeped", "timestamp": 5}], "campaign": {"x": 1}, "success": "true""#
        )
        XCTAssertEqual(s.status, "voicemail")
        XCTAssertFalse(s.isFinal, "an unknown status is not final")
        XCTAssertNil(s.startTimestamp)
        XCTAssertNil(s.endTimestamp)
        XCTAssertEqual(s.events, [.init(event: "beeped", timestamp: 5)])
        XCTAssertEqual(s.success, true)
        XCTAssertTrue(String(decoding: s.body, as: UTF8.self).contains("campaign"), "unknown fields stay in the raw body")
        XCTAssertEqual(try decode(#""status": "queued", "events": """#).events, [])
        XCTAssertEqual(try decode(#""status": "queued", "events": []"#).events, [])
    }

    func testXMLQuirks() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <result><call_details><status>dialing</status><attempts></attempts><events/>
            <phone_number>&apos;617&#55;&#x35;5&apos;</phone_number><duration/><note><![CDATA[a <b> & c]]></note>
            </call_details></result>
            """
        let s = try StatusDecoder.decode(Array(xml.utf8), format: .xml)
        XCTAssertEqual(s.status, "dialing")
        XCTAssertNil(s.attempts)
        XCTAssertNil(s.duration)
        XCTAssertEqual(s.events, [])
        XCTAssertEqual(s.phoneNumber, "617755")
    }

    func testFormatIsSniffedFromTheBody() throws {
        // A server that ignores Accept and sends the other format is still read.
        let s = try StatusDecoder.decode(try fixture("status-completed.xml"), format: .json)
        XCTAssertEqual(s.format, .xml)
        assertDocumentedExample(s)
    }

    func testMalformedBodiesSayWhatIsWrongAndQuoteTheStart() {
        let cases: [(String, String)] = [
            ("", "empty body"),
            ("<html><body>Bad gateway</body></html>", "expected <result>"),
            ("{\"call_details\": {\"status\": \"comp", "not valid JSON"),
            ("{\"result\": 1}", "no call_details"),
            ("{\"call_details\": []}", "call_details is not an object"),
            ("{\"call_details\": {\"attempts\": 1}}", "no status"),
            ("{\"call_details\": {\"status\": \"queued\", \"events\": 5}}", "events is not a list"),
            ("<result><call_details><status>x</status></call_detail></result>", "does not close"),
            ("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">]><result>&lol;</result>", "DOCTYPE"),
            ("<result><error>&lol;</error></result>", "unknown entity"),
            ("Service Unavailable", "not valid JSON"),
        ]
        for (body, expected) in cases {
            XCTAssertThrowsError(try StatusDecoder.decode(Array(body.utf8), format: .json), body) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(body) → \(error)")
                if body.count > 10 { XCTAssertTrue("\(error)".contains(String(body.prefix(10))), "quotes the body: \(error)") }
            }
        }
    }

    func testDeepXMLNestingIsBounded() {
        let deep = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        XCTAssertThrowsError(try StatusDecoder.decode(Array(("<result>" + deep + "</result>").utf8), format: .xml)) { error in
            XCTAssertTrue("\(error)".contains("nesting"), "\(error)")
        }
    }

    /// Text fields are bounded like numbers: a 5 MB status, event name,
    /// phone number or error message is cut and marked; the body stays whole.
    func testTextFieldsAreCutAtTheirBoundAndMarked() throws {
        let huge = String(repeating: "x", count: 5_000_000)
        let body = Array(
            #"{"call_details": {"status": "\#(huge)", "phone_number": "'\#(huge)'", "events": [{"event": "\#(huge)", "timestamp": 1}]}}"#.utf8)
        let s = try StatusDecoder.decode(body, format: .json)
        let cut = String(repeating: "x", count: 256) + "…[cut: 5000000 bytes]"
        XCTAssertEqual(s.status, cut)
        XCTAssertEqual(s.phoneNumber, cut)
        XCTAssertEqual(s.events.first?.event, cut)
        XCTAssertFalse(s.isFinal, "a cut status is an unknown one")
        XCTAssertEqual(s.body.count, body.count, "the body is kept whole")
        XCTAssertEqual(StatusDecoder.errorMessage(Array(#"{"error": "\#(huge)"}"#.utf8)), cut)
        // At the bound nothing is cut; one past it is.
        let edge = String(repeating: "é", count: 256)
        XCTAssertEqual(FieldBounds.text(edge), edge)
        XCTAssertEqual(FieldBounds.text(edge + "é"), edge + "…[cut: 514 bytes]")
    }
}
