import Foundation
import FuseMock
import XCTest

final class FuseSimulatorTests: XCTestCase {
    let auth = "Basic " + Data("demo@example.com:demo-key".utf8).base64EncodedString()

    func get(_ sim: FuseSimulator, _ path: String, method: String = "GET", accept: String? = nil, authorization: String? = nil) -> MockResponse {
        var headers = ["authorization": authorization ?? auth]
        if let accept { headers["accept"] = accept }
        return sim.respond(MockRequest(method: method, uri: path, headers: headers), stats: nil)
    }

    func json(_ r: MockResponse) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
    }

    func testTheClockIsTheRealOneByDefaultAndAdvanceMovesOnlyTheMock() throws {
        let sim = FuseSimulator(FuseSimulator.Configuration())
        let real = Int64(Date().timeIntervalSince1970)
        XCTAssertLessThanOrEqual(abs(sim.now - real), 1, "starts at the present")
        Thread.sleep(forTimeInterval: 1.1)
        XCTAssertGreaterThanOrEqual(sim.now - real, 1, "and follows the real clock (speed 1)")
        sim.advance(seconds: 3600)
        XCTAssertGreaterThanOrEqual(sim.now - Int64(Date().timeIntervalSince1970), 3599)
    }

    func testOutsideAPIAWebServerPageAnswersAndProxiedRequestsAreServed() throws {
        var c = FuseSimulator.Configuration()
        c.speed = 0
        let sim = FuseSimulator(c)
        let page = get(sim, "/outbound/call-0000001")
        XCTAssertEqual(page.status, 404)
        XCTAssertTrue(String(decoding: page.body, as: UTF8.self).contains("<title>404 Not Found</title>"))
        XCTAssertEqual(try json(get(sim, "/api/nothing"))["error"] as? String, "No route found.")
        let proxied = get(sim, "http://fuse.example:8080/api/outbound/call-0000001")
        XCTAssertEqual(proxied.status, 200)
        XCTAssertEqual(proxied.body, get(sim, "/api/outbound/call-0000001").body)
    }

    func testSameSeedSameCallsOtherSeedOtherCalls() {
        var c = FuseSimulator.Configuration()
        c.speed = 0  // a still clock: the calls' states are fixed
        c.calls = 50
        let a = FuseSimulator(c)
        let b = FuseSimulator(c)
        c.seed = 2
        let other = FuseSimulator(c)
        var differs = 0
        for id in a.ids {
            XCTAssertEqual(get(a, "/api/outbound/\(id)").body, get(b, "/api/outbound/\(id)").body)
            if get(a, "/api/outbound/\(id)").body != get(other, "/api/outbound/\(id)").body { differs += 1 }
        }
        XCTAssertGreaterThan(differs, 40)
        XCTAssertEqual(a.ids.first, "call-0000001")
        XCTAssertEqual(a.ids.count, 50)
    }

    func testDocumentedQuirksAndConsistentEvents() throws {
        var c = FuseSimulator.Configuration()
        c.speed = 0  // a still clock: the calls' states are fixed
        c.calls = 2000
        let sim = FuseSimulator(c)
        var statuses: [String: Int] = [:]
        var extra = 0
        for id in sim.ids {
            let d = try XCTUnwrap(json(get(sim, "/api/outbound/\(id)"))["call_details"] as? [String: Any])
            let status = try XCTUnwrap(d["status"] as? String)
            statuses[status, default: 0] += 1
            XCTAssertTrue(d["attempts"] is String, "attempts is a string, as documented")
            XCTAssertTrue(d["max_attempts"] is String)
            let phone = try XCTUnwrap(d["phone_number"] as? String)
            XCTAssertTrue(phone.hasPrefix("'") && phone.hasSuffix("'"))
            let events = try XCTUnwrap(d["events"] as? [[String: Any]])
            let times = events.compactMap { $0["timestamp"] as? Int }
            XCTAssertEqual(times, times.sorted(), "events in time order")
            let attempts = Int(d["attempts"] as! String)!
            XCTAssertLessThanOrEqual(attempts, Int(d["max_attempts"] as! String)!)
            XCTAssertEqual(events.filter { $0["event"] as? String == "dialing" }.count, attempts)
            if status == "completed" {
                XCTAssertEqual(events.last?["event"] as? String, "disconnected")
                XCTAssertNotNil(d["duration"] as? Int)
            } else if status == "queued" && events.isEmpty {
                XCTAssertEqual(d["start_timestamp"] as? String, "", "empty schedule fields")
            }
            if d["caller_id"] != nil { extra += 1 }
        }
        for s in ["completed", "failed", "queued"] { XCTAssertGreaterThan(statuses[s] ?? 0, 0, s) }
        XCTAssertGreaterThan((statuses["canceled"] ?? 0) + (statuses["rejected"] ?? 0), 0)
        XCTAssertGreaterThan(extra, 0, "some calls carry an undocumented field")
    }

    func testCallsProgressAsTheClockMoves() throws {
        var c = FuseSimulator.Configuration()
        c.speed = 0  // a still clock: the calls' states are fixed
        c.calls = 2000
        let sim = FuseSimulator(c)
        let before = try sim.ids.map { try XCTUnwrap(json(get(sim, "/api/outbound/\($0)"))["call_details"] as? [String: Any])["status"] as! String }
        let final: Set = ["completed", "failed", "canceled", "rejected"]
        let pending = before.filter { !final.contains($0) }.count
        XCTAssertGreaterThan(pending, 20)
        sim.advance(seconds: 3 * 86_400)
        let after = try sim.ids.map { try XCTUnwrap(json(get(sim, "/api/outbound/\($0)"))["call_details"] as? [String: Any])["status"] as! String }
        XCTAssertEqual(after.filter { !final.contains($0) }.count, 0, "three days later every call is final")
        for (b, a) in zip(before, after) where final.contains(b) { XCTAssertEqual(a, b, "a final call never changes") }
    }

    func testRoutesAuthAndFormats() throws {
        var still = FuseSimulator.Configuration()
        still.speed = 0
        let sim = FuseSimulator(still)
        XCTAssertEqual(get(sim, "/api/outbound/call-0000001", authorization: "Basic bm9wZTpub3Bl").status, 401)
        XCTAssertEqual(get(sim, "/api/outbound/call-0000001", authorization: "").status, 401)
        XCTAssertEqual(get(sim, "/api/outbound/call-0000001", method: "POST").status, 405)
        let missing = get(sim, "/api/outbound/call-9999999")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(String(decoding: missing.body, as: UTF8.self), #"{"error":"No outbound call was found by that id."}"#)
        let xml = get(sim, "/api/outbound/call-0000001", accept: "application/xml")
        XCTAssertEqual(xml.status, 200)
        XCTAssertTrue(String(decoding: xml.body, as: UTF8.self).contains("<result><call_details>"))
        XCTAssertTrue(xml.headers.contains { $0.0 == "Content-Type" && $0.1 == "application/xml" })
        XCTAssertTrue(String(decoding: get(sim, "/api/outbound/x", accept: "application/xml").body, as: UTF8.self).contains("<error>"))
        XCTAssertEqual(get(sim, "/api/outbound/call-0000001", accept: "text/html").headers.first { $0.0 == "Content-Type" }?.1, "application/json")
    }

    func testFaultRatesAreRoughlyAsAsked() {
        var c = FuseSimulator.Configuration()
        c.speed = 0  // a still clock: the calls' states are fixed
        c.errorRate = 0.1
        c.rateLimitRate = 0.05
        c.malformedRate = 0.05
        c.dropRate = 0.05
        c.latencyMilliseconds = 7
        let sim = FuseSimulator(c)
        var counts: [String: Int] = [:]
        for _ in 0..<10_000 {
            let r = get(sim, "/api/outbound/call-0000001")
            XCTAssertEqual(r.delayMilliseconds, 7)
            let key = r.dropMidResponse ? "drop" : r.status == 200 && r.body.last != UInt8(ascii: "}") ? "malformed" : String(r.status)
            counts[key, default: 0] += 1
            if r.status == 429 { XCTAssertTrue(r.headers.contains { $0.0 == "Retry-After" }) }
        }
        XCTAssertEqual(Double(counts["500"] ?? 0), 1000, accuracy: 150)
        XCTAssertEqual(Double(counts["429"] ?? 0), 500, accuracy: 120)
        XCTAssertEqual(Double(counts["malformed"] ?? 0), 500, accuracy: 120)
        XCTAssertEqual(Double(counts["drop"] ?? 0), 500, accuracy: 120)
    }
}
