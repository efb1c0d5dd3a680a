import Foundation

/// Keeps two writing runs (archive, import, rebuild, forget) off one
/// archive: an exclusive `flock` on `<archive>.lock`, released by the kernel
/// however the process ends, so a killed run never leaves a stale lock
/// behind. The holder writes who it is into the file (pid, host, start,
/// run id), so a run that must wait, and `doctor`, can say which run holds
/// it — and `doctor` can tell a killed run (no holder) from a running one.
public final class RunLock {
    /// Who holds a lock, as the holder wrote it.
    public struct Holder: Sendable, Equatable, CustomStringConvertible {
        public var pid: Int32?
        public var host: String?
        public var startedAt: Int64?
        public var runID: Int64?
        /// How the run ended, when its row could not say it: the end its
        /// process wrote here (a full disk), or the second signal that ended
        /// it at once (`TerminationSignals`), with the file's time.
        public var end: End?

        public struct End: Sendable, Equatable {
            public var at: Int64
            public var exitCode: Int32
            public var message: String
        }

        /// "run 12 (pid 4242 on db1, started 2026-11-29T02:00:00Z)".
        public var description: String {
            var parts: [String] = []
            if let pid { parts.append("pid \(pid)" + (host.map { " on \($0)" } ?? "")) }
            if let startedAt { parts.append("started \(Humanize.isoTime(startedAt))") }
            let who = runID.map { "run \($0)" } ?? "a run"
            return parts.isEmpty ? who : "\(who) (\(parts.joined(separator: ", ")))"
        }

        /// The file's text: the holder's line, then, when its end could not
        /// be recorded in the archive, `ended=T exit=N` and `message=…`, or a
        /// `second-signal=N` line the signal handler wrote (then `modified`,
        /// the file's time, is when).
        package static func parse(_ text: String, modified: Int64? = nil) -> Holder {
            var h = Holder()
            var endedAt: Int64?
            var exitCode: Int32?
            var message: String?
            for line in text.split(separator: "\n") {
                if line.hasPrefix("message=") {
                    message = SafeText.escape(String(line.dropFirst("message=".count).prefix(1000)))
                    continue
                }
                for field in line.split(whereSeparator: \.isWhitespace) {
                    let pair = field.split(separator: "=", maxSplits: 1).map(String.init)
                    guard pair.count == 2 else { continue }
                    switch pair[0] {
                    case "pid": h.pid = Int32(pair[1])
                    case "host": h.host = SafeText.escape(String(pair[1].prefix(64)))
                    case "started": h.startedAt = Int64(pair[1])
                    case "run": h.runID = Int64(pair[1])
                    case "ended": endedAt = Int64(pair[1])
                    case "exit": exitCode = Int32(pair[1])
                    case "second-signal":
                        guard let signal = Int32(pair[1]), (1...64).contains(signal), let modified else { continue }
                        let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
                        h.end = End(
                            at: modified, exitCode: 128 + signal,
                            message: "ended at once by a second \(name) (the first had asked it to stop); what it had committed is kept")
                    default: break
                    }
                }
            }
            if let endedAt, let exitCode, h.end == nil { h.end = End(at: endedAt, exitCode: exitCode, message: message ?? "ended") }
            return h
        }
    }

    private let fd: Int32
    public let path: String
    private let startedAt = Int64(Date().timeIntervalSince1970)
    /// What the previous holder left in the file: a run whose end its row
    /// could not record is closed from it by the next writer (`CallArchive`).
    public private(set) var previous = Holder()
    private var lastText = ""

    /// Takes the lock, or throws `ArchiveError.busy` naming the holder when
    /// another run holds it. With `wait`, blocks until it is free, calling
    /// `waiting` once with the holder first.
    public init(archivePath: String, wait: Bool = false, waiting: (Holder) -> Void = { _ in }) throws {
        path = Self.lockPath(of: archivePath)
        fd = try Self.openLockFile(path, archivePath: archivePath)
        var told = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let error = errno
            if error == EINTR { continue }
            guard error == EWOULDBLOCK else {
                close(fd)
                throw ArchiveError.cannotOpen(path: path, detail: String(cString: strerror(error)))
            }
            let holder = Self.read(fd)
            guard wait else {
                close(fd)
                throw ArchiveError.busy(path: archivePath, holder: holder.description)
            }
            if !told {
                waiting(holder)
                told = true
            }
            // Blocks until free; the loop re-checks (EINTR, or a new holder in between).
            if flock(fd, LOCK_EX) == 0 { break }
        }
        previous = Self.read(fd)
        record(runID: nil)
        TerminationSignals.recordSecondSignal(in: fd, at: lastText.utf8.count)
    }

    deinit {
        TerminationSignals.recordSecondSignal(in: -1, at: 0)
        close(fd)  // closing the descriptor releases the lock
    }

    /// Opens (or creates, 0600) the lock file, which is written to, so it
    /// must be ours to write: the lock often sits in a folder others can
    /// write (a shared /srv, /tmp), where a planted symbolic link or hard
    /// link would make every run truncate and overwrite a file it points to
    /// (docs/reliability.md, "The run lock"). A link is never followed,
    /// and only a plain file with no other name is used; anything else is
    /// refused with what to do. `O_NONBLOCK` keeps a planted FIFO from
    /// blocking the open.
    private static func openLockFile(_ path: String, archivePath: String) throws -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o600)
        guard fd >= 0 else {
            let error = errno
            if error == ELOOP {
                throw ArchiveError.cannotOpen(
                    path: archivePath,
                    detail:
                        "its lock file \(path) is a symbolic link; callhist never follows one there (it would overwrite the file it points to). Remove the link and run again"
                )
            }
            throw ArchiveError.cannotOpen(path: archivePath, detail: PrivateFile.reason(error, archivePath))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let error = errno
            close(fd)
            throw ArchiveError.cannotOpen(path: path, detail: String(cString: strerror(error)))
        }
        let problem: String? =
            if st.st_mode & S_IFMT != S_IFREG {
                "is not a plain file"
            } else if st.st_nlink > 1 {
                "has \(st.st_nlink) names (a hard link to another file)"
            } else {
                nil
            }
        if let problem {
            close(fd)
            throw ArchiveError.cannotOpen(
                path: archivePath,
                detail:
                    "its lock file \(path) \(problem); callhist writes into its lock file, so it uses only a plain file of its own. Remove it and run again"
            )
        }
        // Back to blocking: `flock(LOCK_EX)` below waits when asked to.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }

    /// Writes who holds the lock (and, once known, the run's id).
    public func record(runID: Int64?) {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        var text = "pid=\(getpid()) host=\(String(cString: host)) started=\(startedAt)"
        if let runID { text += " run=\(runID)" }
        write(text + "\n")
        TerminationSignals.recordSecondSignal(in: fd, at: lastText.utf8.count)
    }

    /// Keeps the end of run `runID` here when its row could not take it (a
    /// full disk): a few bytes written over the file's own, which needs no
    /// new block. The next writer records it in the archive.
    public func recordEnd(runID: Int64, exitCode: Int32, message: String, at time: Int64) {
        let line = lastText.split(separator: "\n").first.map(String.init) ?? "run=\(runID)"
        let flat = message.replacingOccurrences(of: "\n", with: " ").prefix(1000)
        write("\(line)\nended=\(time) exit=\(exitCode)\nmessage=\(flat)\n")
    }

    /// Over the old text, then cut to length: truncating first would free
    /// the file's block, and a full disk might not give it back.
    private func write(_ text: String) {
        lastText = text
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }  // best effort: it only informs
        _ = ftruncate(fd, off_t(text.utf8.count))
    }

    /// The lock of the archive file itself, whatever path names it: beside
    /// the file a symbolic link points to (SQLite keeps its -wal and -shm
    /// there too), so two paths to one archive share one lock. An archive
    /// not created yet: its folder resolved, its name as given.
    static func lockPath(of archivePath: String) -> String {
        func resolved(_ path: String) -> String? {
            guard let real = realpath(path, nil) else { return nil }
            defer { free(real) }
            return String(cString: real)
        }
        if let file = resolved(archivePath) { return file + ".lock" }
        let url = URL(fileURLWithPath: archivePath)
        if let folder = resolved(url.deletingLastPathComponent().path) { return folder + "/" + url.lastPathComponent + ".lock" }
        return archivePath + ".lock"
    }

    /// The holder of `archivePath`'s lock, or nil when no process holds it.
    public static func holder(of archivePath: String) -> Holder? {
        let fd = open(lockPath(of: archivePath), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }  // no lock file: no run ever held it
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        return read(fd)
    }

    private static func read(_ fd: Int32) -> Holder {
        var buffer = [UInt8](repeating: 0, count: 2048)
        let n = pread(fd, &buffer, buffer.count, 0)
        var st = stat()
        let modified = fstat(fd, &st) == 0 ? Int64(st.st_mtim.tv_sec) : nil
        return Holder.parse(n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : "", modified: modified)
    }

    /// What the lock file of `archivePath` says about a run whose end its
    /// row lacks, when no process holds the lock (`doctor`).
    public static func unrecordedEnd(of archivePath: String) -> Holder? {
        let fd = open(lockPath(of: archivePath), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return nil }
        defer { flock(fd, LOCK_UN) }
        let holder = read(fd)
        return holder.end == nil ? nil : holder
    }
}
