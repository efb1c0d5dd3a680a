import Foundation
import SQLite
import XCTest

/// Issue 31, item 4: every file callhist writes stays private — never
/// created through a link, never another user's file open to everyone,
/// never carrying others' permission bits — and `doctor` lists the files
/// that are not (docs/reliability.md, "Private files").
final class PrivateFilesCommandTests: XCTestCase {
    var scratch: TemporaryDirectory!
    override func setUp() async throws { scratch = try TemporaryDirectory() }

    func mode(_ path: String) -> mode_t {
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0, path)
        return st.st_mode & 0o7777
    }

    func testADanglingLinkIsNotAWayToCreateTheArchive() throws {
        let mock = try MockProcess(["--calls", "5"])
        let target = scratch.path("elsewhere.sqlite")
        let link = scratch.path("calls.sqlite")
        XCTAssertEqual(symlink(target, link), 0)
        let r = try Harness.callhist(["archive", "--db", link, "call-0000001"], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(r.status, 73, r.stderr)
        XCTAssertTrue(
            r.stderr.contains("it is a symbolic link to \(target), which does not exist; callhist does not create files through links"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target), "nothing was created where the link points")
        XCTAssertEqual(try mock.answered(), 0)
        // A link to an archive that exists is the owner's choice: it is used.
        XCTAssertEqual(try Harness.callhist(["migrate", "--db", target], env: [:]).status, 0)
        XCTAssertEqual(try Harness.callhist(["archive", "--db", link, "call-0000001"], env: Harness.environment(baseURL: mock.baseURL)).status, 0)
        XCTAssertEqual(mode(target), 0o600)
        XCTAssertEqual(mode(target + "-wal"), 0o600)
    }

    func testOutputsTraceAndBackupsNeverCarryOthersBits() throws {
        let mock = try MockProcess(["--calls", "5"])
        let db = scratch.path("a.sqlite")
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db] + ids(1...5), env: Harness.environment(baseURL: mock.baseURL)).status, 0)
        // Over a file of ours that every user may read and write.
        let open = try scratch.write("calls.csv", "old\n")
        chmod(open, 0o666)
        XCTAssertEqual(try Harness.callhist(["export", "calls", "--db", db, "--output", open], env: [:]).status, 0)
        XCTAssertEqual(mode(open), 0o660, "the owner's and group's bits stay, others' go")
        // Through a link to a 0644 file: the link is replaced, the file it pointed to untouched.
        let victim = try scratch.write("victim.txt", "keep me\n")
        chmod(victim, 0o644)
        let link = scratch.path("out.csv")
        XCTAssertEqual(symlink(victim, link), 0)
        XCTAssertEqual(try Harness.callhist(["export", "calls", "--db", db, "--output", link], env: [:]).status, 0)
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "keep me\n")
        var st = stat()
        XCTAssertEqual(lstat(link, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFREG, "a file of its own now")
        XCTAssertEqual(st.st_mode & 0o7777, 0o600)
        // CALLHIST_TRACE_SQL: born 0600, and never through a link.
        let trace = scratch.path("trace.sql")
        XCTAssertEqual(try Harness.callhist(["report", "summary", "--db", db], env: ["CALLHIST_TRACE_SQL": trace]).status, 0)
        XCTAssertEqual(mode(trace), 0o600)
        XCTAssertGreaterThan(try String(contentsOfFile: trace, encoding: .utf8).count, 0)
        let planted = scratch.path("planted.sql")
        XCTAssertEqual(symlink(victim, planted), 0)
        let refused = try Harness.callhist(["report", "summary", "--db", db], env: ["CALLHIST_TRACE_SQL": planted])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "keep me\n")
        // A backup of an archive someone opened to every user is not.
        chmod(db, 0o644)
        let copy = scratch.path("copy.sqlite")
        XCTAssertEqual(try Harness.callhist(["backup", "--db", db, copy], env: [:]).status, 0)
        XCTAssertEqual(mode(copy), 0o640)
    }

    func testAnotherUsersArchiveOpenToEveryoneIsRefusedAndDoctorListsExposedFiles() throws {
        guard getuid() == 0, let nobody = getpwnam("nobody") else { throw XCTSkip("needs root to act for a second user") }
        let mock = try MockProcess(["--calls", "5"])
        let shared = scratch.path("shared")
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        chmod(shared, 0o1777)
        // Another user pre-creates the archive, open to every user.
        let db = shared + "/calls.sqlite"
        XCTAssertEqual(FileManager.default.createFile(atPath: db, contents: nil), true)
        chown(db, nobody.pointee.pw_uid, nobody.pointee.pw_gid)
        chmod(db, 0o666)
        let r = try Harness.callhist(["archive", "--db", db, "call-0000001"], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(r.status, 73, r.stderr)
        XCTAssertTrue(r.stderr.contains("it belongs to another user (nobody) and is writable by every user (mode 666)"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)).count, 0, "not one byte written to it")
        XCTAssertEqual(try mock.answered(), 0)

        // Our own archive, opened to every user by a chmod: used, with a warning, and doctor lists it.
        let own = scratch.path("own.sqlite")
        XCTAssertEqual(try Harness.callhist(["archive", "--db", own, "call-0000001"], env: Harness.environment(baseURL: mock.baseURL)).status, 0)
        for path in [own, own + "-wal", own + "-shm"] { chmod(path, 0o644) }
        let warned = try Harness.callhist(["archive", "--db", own, "call-0000002"], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(warned.status, 0, warned.stderr)
        XCTAssertTrue(warned.stderr.contains("callhist: warning: \(own) is readable by every user (mode 644); \(own)-wal is readable"), warned.stderr)
        let doctor = try Harness.callhist(["doctor", "--db", own], env: [:])
        XCTAssertTrue(doctor.stdout.contains("WARN  \(own) is readable by every user (mode 644): chmod 600"), doctor.stdout)
        XCTAssertTrue(doctor.stdout.contains("WARN  \(own)-shm is readable by every user (mode 644)"), doctor.stdout)
        for path in [own, own + "-wal", own + "-shm"] { chmod(path, 0o600) }
        XCTAssertFalse(try Harness.callhist(["doctor", "--db", own], env: [:]).stdout.contains("every user"))
    }
}
