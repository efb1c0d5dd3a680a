import Foundation
import SQLite
import XCTest

/// What scripts/package.sh (run by scripts/bootstrap.sh) ships: a tarball
/// and a .deb whose binaries run on a machine without the Swift toolchain.
final class PackagingTests: XCTestCase {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func shell(_ script: String, env: [String: String] = ProcessInfo.processInfo.environment) throws -> (Int32, String) {
        try Harness.bash(["-c", script], env: env)
    }

    func artifact(_ suffix: String) throws -> String {
        let dist = repo.appendingPathComponent("dist").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dist)) ?? []
        let name = try XCTUnwrap(names.first { $0.hasSuffix(suffix) }, "no dist/*\(suffix): run scripts/bootstrap.sh (it runs scripts/package.sh)")
        return dist + "/" + name
    }

    /// The folder of the Swift toolchain this machine builds with (/opt/swift here).
    func toolchainRoot() throws -> String {
        let (status, out) = try shell("readlink -f \"$(command -v swift)\"")
        XCTAssertEqual(status, 0)
        var url = URL(fileURLWithPath: out.trimmingCharacters(in: .whitespacesAndNewlines))
        for _ in 0..<3 { url.deleteLastPathComponent() }  // …/usr/bin/swift → …
        return url.path
    }

    func testTheTarballRunsWithTheToolchainHidden() throws {
        let dir = try TemporaryDirectory()
        XCTAssertEqual(try shell("tar -xzf '\(try artifact(".tar.gz"))' -C '\(dir.url.path)'").0, 0)
        let root = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).first { $0.hasPrefix("callhist-") })
        let bin = dir.path(root + "/bin/callhist")
        let (_, version) = try shell("'\(bin)' --version")
        XCTAssertNotNil(version.range(of: #"^\d+\.\d+\.\d+\S* \(schema version \d+\)\n$"#, options: .regularExpression), version)
        for page in ["callhist.1.gz", "callhist.archive.1.gz", "callhist.report.summary.1.gz", "fuse-mock.1.gz"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path(root + "/share/man/man1/" + page)), page)
        }
        // Hide the toolchain in a private mount namespace, then archive from fuse-mock.
        let toolchain = try toolchainRoot()
        let empty = dir.path("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let (lddStatus, ldd) = try shell("ldd '\(bin)'")
        XCTAssertEqual(lddStatus, 0)
        XCTAssertFalse(ldd.contains(toolchain), "loads from the toolchain: \(ldd)")
        let mock = try MockProcess(["--calls", "20"])
        let db = dir.path("a.sqlite")
        let env = Harness.environment(baseURL: mock.baseURL)
        let (status, output) = try shell(
            """
            unshare --mount --propagation private bash -c 'mount --bind "\(empty)" "\(toolchain)" && test ! -e "\(toolchain)/usr/bin/swift" && \
            "\(bin)" archive --db "\(db)" \(ids(1...20).joined(separator: " "))'
            """, env: env)
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("20 ids considered in "), output)
        XCTAssertEqual(try Connection(path: db, mode: .readOnly).scalarInt("SELECT count(*) FROM calls WHERE status IS NOT NULL"), 20)
    }

    func testTheDebInstallsBinaryManPagesCompletionsAndDocs() throws {
        let deb = try artifact(".deb")
        let dir = try TemporaryDirectory()
        XCTAssertEqual(try shell("dpkg-deb -x '\(deb)' '\(dir.url.path)'").0, 0)
        let (_, depends) = try shell("dpkg-deb -f '\(deb)' Depends")
        for package in ["libc6", "libcurl4", "libsqlite3-0", "libpq5"] { XCTAssertTrue(depends.contains(package), depends) }
        XCTAssertFalse(depends.contains("swift"), depends)
        let bin = dir.path("usr/bin/callhist")
        XCTAssertEqual(try shell("'\(bin)' --version").0, 0)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: dir.path("usr/bin/fuse-mock")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path("usr/share/doc/callhist/README.md")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path("usr/share/doc/callhist/reliability.md")))
        let (manStatus, man) = try shell("MANWIDTH=80 man -l '\(dir.path("usr/share/man/man1/callhist.archive.1.gz"))' | cat")
        XCTAssertEqual(manStatus, 0, man)
        XCTAssertTrue(man.contains("--max-requests"), String(man.prefix(500)))
        let completion = dir.path("usr/share/bash-completion/completions/callhist")
        let (complete, line) = try shell("source '\(completion)' && complete -p callhist")
        XCTAssertEqual(complete, 0, line)
        XCTAssertTrue(line.hasPrefix("complete "), line)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path("usr/share/zsh/vendor-completions/_callhist")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path("usr/share/fish/vendor_completions.d/callhist.fish")))
    }

    func testTheSystemdTimerRunsTheSameJob() throws {
        let dir = try TemporaryDirectory()
        let units = dir.path("units")
        let config = dir.path("config")
        var env = Harness.environment(baseURL: "http://127.0.0.1:1/api")
        env["HOME"] = dir.url.path
        let (status, output) = try shell(
            """
            bash '\(repo.path)/scripts/install-systemd.sh' --time 04:10 --unit-dir '\(units)' --config-dir '\(config)' \
              --db '\(dir.path("a.sqlite"))' --callhist '\(Harness.binDirectory.appendingPathComponent("callhist").path)'
            """, env: env)
        XCTAssertEqual(status, 0, output)
        let service = try String(contentsOfFile: units + "/callhist-archive.service", encoding: .utf8)
        XCTAssertTrue(service.contains("ExecStart=/bin/bash \"\(config)/nightly.sh\""), service)
        XCTAssertTrue(service.contains("SuccessExitStatus=75"))
        let timer = try String(contentsOfFile: units + "/callhist-archive.timer", encoding: .utf8)
        XCTAssertTrue(timer.contains("OnCalendar=*-*-* 04:10:00"), timer)
        XCTAssertFalse(service.contains(Harness.key), "the key lives only in the env file")
        let envMode = try FileManager.default.attributesOfItem(atPath: config + "/env")[.posixPermissions] as? Int
        XCTAssertEqual(envMode, 0o600)
    }
}
