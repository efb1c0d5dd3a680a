import Foundation
import SQLite
import XCTest

/// Ids files a user might hand over by mistake.
final class HostileIDsTests: XCTestCase {
    func run(_ bytes: [UInt8], _ dir: TemporaryDirectory, _ mock: MockProcess) throws -> Harness.Result {
        let path = dir.path("ids.bin")
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return try Harness.callhist(
            ["archive", "--db", dir.path("a.sqlite"), "--no-refresh", "--ids", path], env: Harness.environment(baseURL: mock.baseURL))
    }

    func testBadBytesAreRefusedWithTheirLine() throws {
        let dir = try TemporaryDirectory()
        let mock = try MockProcess()
        let cases: [([UInt8], String)] = [
            (Array("call-0000001\n".utf8) + [0x63, 0xC3, 0x28, 0x0A], "ids.bin:2"),  // invalid UTF-8
            (Array("call-0000001\ncall-00\u{0}00002\n".utf8), "control character"),  // a NUL byte
            (Array("call-0000001\n\(String(repeating: "9", count: 10_000))\n".utf8), "10000 bytes"),  // a 10,000-character line
        ]
        for (bytes, expected) in cases {
            let r = try run(bytes, dir, mock)
            XCTAssertEqual(r.status, 65, r.stderr)
            XCTAssertTrue(r.stderr.contains(expected), r.stderr)
            XCTAssertLessThan(r.stderr.count, 1000, "the message quotes the id, not the whole line")
        }
        XCTAssertEqual(mock.requests, 1, "nothing was fetched (+ the stats request)")
    }

    func testAMillionDuplicateLinesFetchOnce() throws {
        let dir = try TemporaryDirectory()
        let mock = try MockProcess()
        let line = Array("call-0000007\n".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(line.count * 1_000_000)
        for _ in 0..<1_000_000 { bytes += line }
        let start = ContinuousClock.now
        let r = try run(bytes, dir, mock)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(mock.requests, 2, "one request (+ the stats request)")
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(60))
        XCTAssertEqual(try Connection(path: dir.path("a.sqlite"), mode: .readOnly).scalarInt("SELECT count(*) FROM calls"), 1)
    }
}
