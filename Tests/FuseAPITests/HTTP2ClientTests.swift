import Foundation
import FuseAPI
import TestSupport
import XCTest

/// The client against a real HTTP/2 server over TLS (nghttp2's nghttpd,
/// serving the documented body as files): many transfers share one
/// connection instead of one handshake each, and the certificate is still
/// verified against the CA given (docs/reliability.md, "Connections").
final class HTTP2ClientTests: XCTestCase {
    var scratch: TemporaryDirectory!
    var server: Process?

    override func setUp() async throws { scratch = try TemporaryDirectory() }

    override func tearDown() async throws {
        if let server, server.isRunning {
            server.terminate()
            server.waitUntilExit()
        }
        server = nil
    }

    /// A certificate for 127.0.0.1, `count` status files, and nghttpd on a free port.
    func startServer(count: Int) throws -> (baseURL: String, ca: String) {
        let key = scratch.path("key.pem")
        let ca = scratch.path("cert.pem")
        let made = Process()
        made.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        made.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", ca, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
            "subjectAltName=IP:127.0.0.1",
        ]
        made.standardError = FileHandle.nullDevice
        try made.run()
        made.waitUntilExit()
        XCTAssertEqual(made.terminationStatus, 0)
        let folder = scratch.path("www/api/outbound")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let body = try Data(contentsOf: Bundle.module.url(forResource: "Fixtures/status-completed", withExtension: "json")!)
        for n in 1...count { try body.write(to: URL(fileURLWithPath: folder + "/" + String(format: "call-%07d", n))) }
        for _ in 0..<5 {
            let port = Loopback.freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/nghttpd")
            process.arguments = ["--address=127.0.0.1", "--htdocs=" + scratch.path("www"), "--max-concurrent-streams=100", String(port), key, ca]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            server = process
            for _ in 0..<50 where process.isRunning {
                if let fd = Loopback.connect(port: port) {
                    close(fd)
                    return ("https://127.0.0.1:\(port)/api", ca)
                }
                usleep(50_000)
            }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()  // the port was taken meanwhile: another one
        }
        throw XCTSkip("nghttpd did not start (apt-get install nghttp2-server; scripts/test.sh does)")
    }

    func fetch(_ baseURL: String, ca: String?, count: Int) throws -> (found: Int, failures: [String], summary: FetchSummary) {
        var c = FuseClient.Configuration(endpoint: try FuseEndpoint(baseURL), credentials: .basic(email: "ops@example.com", developerKey: "k"))
        c.concurrency = 32
        c.caBundle = ca
        c.retry = RetryPolicy(retries: 0)
        c.giveUpAfter = nil
        var found = 0
        var failures: [String] = []
        let ids = (1...count).map { String(format: "call-%07d", $0) }
        let summary = FuseClient(c).fetch(ids) { result in
            if case .found = result.outcome { found += 1 } else { failures.append("\(result.outcome)") }
        }
        return (found, failures, summary)
    }

    func testThirtyTwoTransfersInFlightShareOneConnection() throws {
        let (baseURL, ca) = try startServer(count: 320)
        let (found, failures, summary) = try fetch(baseURL, ca: ca, count: 320)
        XCTAssertEqual(found, 320, "\(failures.prefix(3))")
        XCTAssertEqual(summary.requests, 320)
        XCTAssertEqual(summary.connections, 1, "one TLS handshake for the run, every transfer a stream of it")
    }

    func testTheCertificateIsStillVerified() throws {
        let (baseURL, _) = try startServer(count: 4)
        // Not signed by the system's CAs: refused, whatever was cached.
        let (found, failures, _) = try fetch(baseURL, ca: nil, count: 4)
        XCTAssertEqual(found, 0)
        XCTAssertEqual(failures.count, 4)
        XCTAssertTrue(failures.allSatisfy { $0.contains("certificate") }, "\(failures)")
    }
}
