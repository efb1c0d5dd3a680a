import Foundation
import SQLite
import XCTest

/// What scripts/package.sh (run by scripts/test.sh) ships: a tarball and a
/// .deb whose binaries run on a machine without the Swift toolchain, whose
/// man pages and package Debian's own checkers accept, whose completions
/// each shell really offers, and whose `callhist schedule` installs the
/// nightly job with nothing but the package (docs/packaging.md).
final class PackagingTests: XCTestCase {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func shell(_ script: String, env: [String: String] = ProcessInfo.processInfo.environment) throws -> (Int32, String) {
        try Harness.bash(["-c", script], env: env)
    }

    func artifact(_ suffix: String) throws -> String {
        let dist = repo.appendingPathComponent("dist").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dist)) ?? []
        let name = try XCTUnwrap(names.first { $0.hasSuffix(suffix) }, "no dist/*\(suffix): run scripts/package.sh (scripts/test.sh does)")
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
        for page in ["callhist.1.gz", "callhist-archive.1.gz", "callhist-report-summary.1.gz", "callhist-schedule.1.gz", "fuse-mock.1.gz"] {
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
        let (manStatus, man) = try shell("MANWIDTH=200 man -l '\(dir.path("usr/share/man/man1/callhist-archive.1.gz"))' | cat")
        XCTAssertEqual(manStatus, 0, man)
        XCTAssertTrue(man.contains("--max-requests"), String(man.prefix(500)))
        let (_, copy) = try shell("MANWIDTH=200 man -l '\(dir.path("usr/share/man/man1/callhist-copy.1.gz"))' | cat")
        XCTAssertTrue(copy.contains("/usr/share/doc/callhist/postgresql.md"), "the docs where the package puts them: \(copy)")
        XCTAssertFalse(copy.contains("docs/"), "no path that exists only in the source tree")
        // Stripped, as Debian ships binaries: no symbol table, no debug info.
        let (_, sections) = try shell("readelf -S --wide '\(bin)' | grep -o ' \\.[a-z_.]*' | sort -u")
        XCTAssertTrue(sections.contains(" .text"), sections)
        XCTAssertFalse(sections.contains(" .symtab") || sections.contains(" .debug_"), "symbols or debug info shipped: \(sections)")
        let completion = dir.path("usr/share/bash-completion/completions/callhist")
        let (complete, line) = try shell("source '\(completion)' && complete -p callhist")
        XCTAssertEqual(complete, 0, line)
        XCTAssertTrue(line.hasPrefix("complete "), line)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path("usr/share/zsh/vendor-completions/_callhist")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path("usr/share/fish/vendor_completions.d/callhist.fish")))
    }

    /// Every page lints clean under mandoc and groff; `apropos` finds each
    /// by its NAME line once indexed; `man callhist archive` opens the subpage.
    func testManPagesLintCleanAndAproposFindsThem() throws {
        let dir = try TemporaryDirectory()
        XCTAssertEqual(try shell("dpkg-deb -x '\(try artifact(".deb"))' '\(dir.url.path)'").0, 0)
        let man = dir.path("usr/share/man")
        let pages = try FileManager.default.contentsOfDirectory(atPath: man + "/man1").filter { $0.hasSuffix(".1.gz") }.sorted()
        XCTAssertEqual(pages.count, 26, "\(pages)")
        let names = Set(pages.map { String($0.dropLast(".1.gz".count)) })
        XCTAssertTrue(names.isSuperset(of: ["callhist-report-hours", "callhist-report-compare"]), "\(names)")
        for page in pages {
            let path = man + "/man1/" + page
            let (_, lint) = try shell("zcat '\(path)' | mandoc -Tlint 2>&1")
            // Only a reference to another page of this package may be "not
            // found": mandoc looks in the system's man path, not the package's.
            let problems = lint.split(separator: "\n").filter { line in
                guard let range = line.range(of: "referenced manual not found: Xr ") else { return true }
                return !names.contains(String(line[range.upperBound...].split(separator: " ")[0]))
            }
            XCTAssertEqual(problems, [], page)
            let (_, groff) = try shell("zcat '\(path)' | groff -ww -z -mandoc 2>&1")
            XCTAssertEqual(groff, "", page)
        }
        XCTAssertEqual(try shell("mandb -q '\(man)' 2>&1").0, 0)
        let (status, apropos) = try shell("MANPATH='\(man)' apropos --long callhist")
        XCTAssertEqual(status, 0, apropos)
        XCTAssertTrue(apropos.contains("callhist-schedule (1) - schedule the nightly archive with cron or a systemd timer"), apropos)
        XCTAssertTrue(apropos.contains("callhist-report-summary (1)"), apropos)
        XCTAssertFalse(apropos.contains("unknown subject"), apropos)
        let (_, found) = try shell("MANPATH='\(man)' man -w callhist archive")
        XCTAssertEqual(found, man + "/man1/callhist-archive.1.gz\n")
    }

    /// Debian's checker: no error, no warning (docs/packaging.md lists the
    /// informational tags left); a copyright file and a changelog.
    func testLintianAcceptsTheDeb() throws {
        let deb = try artifact(".deb")
        let (_, output) = try shell("lintian --fail-on none '\(deb)' 2>&1 | grep -v 'running with root privileges'")
        let tags = output.split(separator: "\n").filter { $0.hasPrefix("E: ") || $0.hasPrefix("W: ") }
        XCTAssertEqual(tags, [], output)
        XCTAssertFalse(output.contains("bad-whatis-entry"), output)
        let dir = try TemporaryDirectory()
        XCTAssertEqual(try shell("dpkg-deb -x '\(deb)' '\(dir.url.path)'").0, 0)
        let copyright = try String(contentsOfFile: dir.path("usr/share/doc/callhist/copyright"), encoding: .utf8)
        XCTAssertTrue(copyright.hasPrefix("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"), copyright)
        let (_, version) = try shell("dpkg-deb -f '\(deb)' Version")
        let (_, changelog) = try shell("zcat '\(dir.path("usr/share/doc/callhist/changelog.gz"))'")
        XCTAssertTrue(
            changelog.hasPrefix("callhist (\(version.trimmingCharacters(in: .whitespacesAndNewlines))) unstable; urgency=medium\n\n  * "), changelog)
        XCTAssertEqual(try shell("zcat '\(dir.path("usr/share/doc/callhist/changelog.gz"))' | dpkg-parsechangelog -l - -S Version").1, version)
    }

    /// Each shell, asked to complete `callhist archive --ids `, offers the
    /// folder's files (and an option that takes a number offers none).
    func testCompletionsOfferFileNamesInEachShell() throws {
        let dir = try TemporaryDirectory()
        XCTAssertEqual(try shell("dpkg-deb -x '\(try artifact(".deb"))' '\(dir.url.path)'").0, 0)
        let work = dir.path("work")
        try FileManager.default.createDirectory(atPath: work + "/sub", withIntermediateDirectories: true)
        _ = try dir.write("work/spring-ids.txt", "C1\n")
        _ = try dir.write("work/autumn.csv", "call_id\nC2\n")
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = dir.path("usr/bin") + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        func lines(_ text: String) -> [String] {
            text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.sorted()
        }
        let bash = dir.path("usr/share/bash-completion/completions/callhist")
        for (words, expected) in [
            ("callhist archive --ids ''", ["autumn.csv", "spring-ids.txt", "sub"]),
            ("callhist report summary --db ''", ["autumn.csv", "spring-ids.txt", "sub"]),
            ("callhist report html --output ''", ["autumn.csv", "spring-ids.txt", "sub"]),
            ("callhist archive --cacert ''", ["autumn.csv", "spring-ids.txt", "sub"]),
            ("callhist archive --concurrency ''", []),
        ] {
            let (status, out) = try Harness.bash(
                [
                    "-c",
                    "source '\(bash)'; COMP_WORDS=(\(words)); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE=\"${COMP_WORDS[*]} \"; COMP_POINT=${#COMP_LINE}; _callhist callhist '' \"${COMP_WORDS[COMP_CWORD-1]}\"; printf '%s\\n' \"${COMPREPLY[@]}\"",
                ], env: env, cwd: URL(fileURLWithPath: work))
            XCTAssertEqual(status, 0, out)
            XCTAssertEqual(lines(out), expected, "bash: \(words)")
        }
        let fish = dir.path("usr/share/fish/vendor_completions.d/callhist.fish")
        let (fishStatus, fishOut) = try Harness.bash(
            ["-c", "fish -c \"source '\(fish)'; complete -C'callhist archive --ids '\""], env: env, cwd: URL(fileURLWithPath: work))
        XCTAssertEqual(fishStatus, 0, fishOut)
        XCTAssertEqual(lines(fishOut), ["autumn.csv", "spring-ids.txt", "sub/"], "fish")
        // zsh offers completions only to a terminal: a pseudo-terminal (zpty)
        // runs an interactive zsh, and compadd is wrapped to print what it adds.
        // (The set-up is sourced from a file: typed, its echo would hold the markers.)
        let setup = try dir.write(
            "zsh-setup.zsh",
            """
            PROMPT=
            fpath=(\(dir.path("usr/share/zsh/vendor-completions")) $fpath)
            autoload -U compinit && compinit -u -D
            compadd () {
              # Calls that only collect (-O, -A, -D) pass through.
              if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return $?; fi
              typeset -a hits
              builtin compadd -A hits "$@"
              (( $#hits )) || return 1
              print -r -- '<<BEGIN>>'
              print -rl -- $hits
              print -r -- '<<END>>'
              builtin compadd "$@"
            }
            """)
        let capture = try dir.write(
            "zsh-capture.zsh",
            """
            zmodload zsh/zpty || exit 1
            zpty z zsh -f -i
            zpty -w z 'source \(setup)'
            zpty -w z "$1"$'\\t'
            integer on=0
            while zpty -r z line; do
              [[ $line == *'<<END>>'* ]] && break
              (( on )) && print -r -- "${line%$'\\r'}"
              [[ $line == *'<<BEGIN>>'* ]] && on=1
            done
            zpty -d z
            """)
        let (zshStatus, zshOut) = try Harness.bash(
            ["-c", "timeout 20 zsh -f '\(capture)' 'callhist archive --ids '"], env: env, cwd: URL(fileURLWithPath: work))
        XCTAssertEqual(zshStatus, 0, zshOut)
        XCTAssertEqual(lines(zshOut), ["autumn.csv", "spring-ids.txt", "sub"], "zsh")
    }

    /// An operator with only the package schedules the nightly job: the
    /// crontab line and the unit name the installed binary by its absolute
    /// path and hold no secret; a scheduler that fails fails the command.
    func testTheInstalledBinarySchedulesTheJob() throws {
        let dir = try TemporaryDirectory()
        XCTAssertEqual(try shell("dpkg-deb -x '\(try artifact(".deb"))' '\(dir.url.path)'").0, 0)
        let callhist = dir.path("usr/bin/callhist")
        let bin = dir.path("stand-ins")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        for tool in ["crontab", "systemctl"] {
            let script = """
                #!/bin/bash
                [ -f '\(dir.path("fail"))' ] && { echo "\(tool): Failed to connect to bus: No medium found" >&2; exit 1; }
                [ "$1" = -l ] && { echo "no crontab for $USER" >&2; exit 1; }
                [ "$1" = - ] && cat > '\(dir.path("crontab.txt"))'
                exit 0
                """
            try script.write(toFile: bin + "/" + tool, atomically: true, encoding: .utf8)
            chmod(bin + "/" + tool, 0o755)
        }
        var env = Harness.environment(baseURL: "http://127.0.0.1:1/api")
        env["PATH"] = bin + ":" + dir.path("usr/bin") + ":/usr/bin:/bin"
        env["HOME"] = dir.path("home")
        env["XDG_CONFIG_HOME"] = nil
        env["XDG_DATA_HOME"] = nil
        // Called by name, found on PATH, as an operator types it.
        let dry = try Harness.run("/bin/bash", ["-c", "callhist schedule --cron --dry-run --ids ids.txt"], env: env, cwd: dir.url)
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.contains("cmd=(\(callhist) archive --db "), dry.stdout)
        XCTAssertFalse(dry.stdout.contains(Harness.key))

        let cron = try Harness.run("/bin/bash", ["-c", "callhist schedule --cron --ids ids.txt --at 01:45"], env: env, cwd: dir.url)
        XCTAssertEqual(cron.status, 0, cron.stderr)
        let table = try String(contentsOfFile: dir.path("crontab.txt"), encoding: .utf8)
        let home = dir.path("home")
        XCTAssertEqual(table, "45 1 * * * /bin/bash \(home)/.config/callhist/nightly.sh # callhist-nightly \(home)/.config/callhist\n")
        let wrapper = try String(contentsOfFile: home + "/.config/callhist/nightly.sh", encoding: .utf8)
        XCTAssertTrue(
            wrapper.contains(
                "cmd=(\(callhist) archive --db \(home)/.local/share/callhist/callhist.sqlite --progress never --ids \(dir.path("ids.txt")))"), wrapper
        )
        XCTAssertFalse(table.contains(Harness.key) || wrapper.contains(Harness.key), "the key lives only in the env file")

        let systemd = try Harness.run(callhist, ["schedule", "--systemd"], env: env)
        XCTAssertEqual(systemd.status, 0, systemd.stderr)
        let service = try String(contentsOfFile: home + "/.config/systemd/user/callhist-archive.service", encoding: .utf8)
        XCTAssertTrue(service.contains("ExecStart=/bin/bash \"\(home)/.config/callhist/nightly.sh\"\n"), service)
        XCTAssertFalse(service.contains(Harness.key))

        try "".write(toFile: dir.path("fail"), atomically: true, encoding: .utf8)
        let failed = try Harness.run(callhist, ["schedule", "--systemd"], env: env)
        XCTAssertEqual(failed.status, 71, failed.stdout)
        XCTAssertTrue(failed.stderr.contains("it said: systemctl: Failed to connect to bus: No medium found"), failed.stderr)
        let failedCron = try Harness.run(callhist, ["schedule", "--cron"], env: env)
        XCTAssertEqual(failedCron.status, 71, failedCron.stdout)
        XCTAssertTrue(failedCron.stderr.contains("it said: crontab: Failed to connect to bus"), failedCron.stderr)
    }
}
