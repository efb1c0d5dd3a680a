import Curl
import Foundation
import FuseMock
import XCTest

final class CurlTests: XCTestCase {
    /// Runs `requests` through one multi driver and returns results in request order.
    func runAll(_ requests: [CurlRequest], maxInFlight: Int = 8) -> [Result<CurlResponse, CurlError>] {
        var results = [Result<CurlResponse, CurlError>?](repeating: nil, count: requests.count)
        var next = 0
        let multi = CurlMulti<Int>(maxInFlight: maxInFlight)
        multi.run(
            pull: { _ in
                guard next < requests.count else { return .idle }
                defer { next += 1 }
                return .start(next, requests[next])
            },
            deliver: { index, result in
                XCTAssertNil(results[index], "each transfer is delivered once")
                results[index] = result
            })
        return results.map { $0! }
    }

    func testLargeBodyArrivesIntact() throws {
        let body = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        let server = try MockHTTPServer { _ in MockResponse(status: 200, headers: [("Content-Type", "application/octet-stream")], body: body) }
        defer { server.shutdown() }
        let result = try runAll([CurlRequest(url: server.baseURL + "/big")])[0].get()
        XCTAssertEqual(result.status, 200)
        XCTAssertEqual(result.body.count, body.count)
        XCTAssertEqual(result.body, body)
        XCTAssertEqual(result.header("content-type"), "application/octet-stream")
    }

    func testBodyLargerThanLimitIsRefused() throws {
        let server = try MockHTTPServer { _ in MockResponse(status: 200, body: [UInt8](repeating: 65, count: 300_000)) }
        defer { server.shutdown() }
        let result = runAll([CurlRequest(url: server.baseURL + "/x", maxBodyBytes: 100_000)])[0]
        guard case .failure(let error) = result else { return XCTFail("expected a failure") }
        XCTAssertEqual(error.kind, .bodyTooLarge)
    }

    func testStatusCodesHeadersAndAuthPassThrough() throws {
        let server = try MockHTTPServer { request in
            let code = Int(request.path.split(separator: "/").last ?? "") ?? 200
            return MockResponse(
                status: code,
                headers: [
                    ("Retry-After", "7"), ("X-Echo-Auth", request.headers["authorization"] ?? "none"),
                    ("X-Echo-Accept", request.headers["accept"] ?? "none"), ("X-Echo-UA", request.headers["user-agent"] ?? "none"),
                ],
                body: Array("code \(code)".utf8))
        }
        defer { server.shutdown() }
        let codes = [200, 401, 403, 404, 405, 429, 500, 503]
        let requests = codes.map {
            CurlRequest(
                url: server.baseURL + "/s/\($0)", headers: ["Accept: application/xml"],
                auth: .init(user: "me@example.com", password: "s3cret"), userAgent: "callhist/test")
        }
        for (code, result) in zip(codes, runAll(requests)) {
            let r = try result.get()
            XCTAssertEqual(r.status, code)
            XCTAssertEqual(String(decoding: r.body, as: UTF8.self), "code \(code)")
            XCTAssertEqual(r.header("Retry-After"), "7")
            XCTAssertEqual(r.header("x-echo-auth"), "Basic " + Data("me@example.com:s3cret".utf8).base64EncodedString())
            XCTAssertEqual(r.header("x-echo-accept"), "application/xml")
            XCTAssertEqual(r.header("x-echo-ua"), "callhist/test")
        }
    }

    func testNetrcFileSuppliesCredentials() throws {
        let server = try MockHTTPServer { request in
            MockResponse(status: 200, body: Array((request.headers["authorization"] ?? "none").utf8))
        }
        defer { server.shutdown() }
        let netrc = FileManager.default.temporaryDirectory.appendingPathComponent("netrc-\(UUID().uuidString)").path
        try "machine 127.0.0.1 login net@example.com password fromnetrc\n".write(toFile: netrc, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: netrc) }
        let r = try runAll([CurlRequest(url: server.baseURL + "/n", netrcFile: netrc)])[0].get()
        XCTAssertEqual(String(decoding: r.body, as: UTF8.self), "Basic " + Data("net@example.com:fromnetrc".utf8).base64EncodedString())
    }

    func testConnectionRefusedIsTyped() throws {
        // Bind a server to learn a free port, then close it: nothing listens there.
        let probe = try MockHTTPServer { _ in MockResponse(status: 200) }
        let port = probe.port
        probe.shutdown()
        let result = runAll([CurlRequest(url: "http://127.0.0.1:\(port)/x", connectTimeout: .seconds(2))])[0]
        guard case .failure(let error) = result else { return XCTFail("expected a failure") }
        XCTAssertEqual(error.kind, .connectionRefused)
        XCTAssertTrue(error.isUnreachable)
    }

    func testTimeoutIsTyped() throws {
        let server = try MockHTTPServer { _ in MockResponse(status: 200, delayMilliseconds: 3000) }
        defer { server.shutdown() }
        let start = ContinuousClock.now
        let result = runAll([CurlRequest(url: server.baseURL + "/slow", timeout: .milliseconds(300))])[0]
        guard case .failure(let error) = result else { return XCTFail("expected a failure") }
        XCTAssertEqual(error.kind, .timeout)
        XCTAssertFalse(error.isUnreachable)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
    }

    func testDroppedConnectionIsTyped() throws {
        let server = try MockHTTPServer { _ in MockResponse(status: 200, body: Array(repeating: 66, count: 1000), dropMidResponse: true) }
        defer { server.shutdown() }
        guard case .failure(let error) = runAll([CurlRequest(url: server.baseURL + "/drop")])[0] else { return XCTFail("expected a failure") }
        XCTAssertEqual(error.kind, .connectionLost)
    }

    func testManyTransfersNeverExceedConcurrency() throws {
        let server = try MockHTTPServer { request in
            MockResponse(status: 200, body: Array(request.path.utf8), delayMilliseconds: 20)
        }
        defer { server.shutdown() }
        let requests = (0..<200).map { CurlRequest(url: server.baseURL + "/item/\($0)") }
        let results = runAll(requests, maxInFlight: 8)
        for (i, result) in results.enumerated() {
            XCTAssertEqual(String(decoding: try result.get().body, as: UTF8.self), "/item/\(i)")
        }
        let stats = server.stats.snapshot
        XCTAssertEqual(stats.requests, 200)
        XCTAssertLessThanOrEqual(stats.maxInFlight, 8)
        XCTAssertGreaterThanOrEqual(stats.maxInFlight, 6, "the driver actually runs transfers concurrently")
    }

    func testWaitIsHonouredBeforeNextStart() throws {
        let server = try MockHTTPServer { _ in MockResponse(status: 204) }
        defer { server.shutdown() }
        let multi = CurlMulti<Int>(maxInFlight: 4)
        var started: [ContinuousClock.Instant] = []
        var gate: ContinuousClock.Instant?
        multi.run(
            pull: { now in
                if started.count == 2 { return .idle }
                if let gate, now < gate { return .wait(until: gate) }
                started.append(now)
                gate = now + .milliseconds(150)
                return .start(started.count, CurlRequest(url: server.baseURL + "/w"))
            }, deliver: { _, result in XCTAssertEqual(try? result.get().status, 204) })
        XCTAssertEqual(started.count, 2)
        XCTAssertGreaterThanOrEqual(started[1] - started[0], .milliseconds(150))
    }
}
