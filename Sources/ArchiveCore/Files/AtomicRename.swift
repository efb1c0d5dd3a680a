import Foundation

/// Moves a finished temporary file over its destination in one step
/// (rename(2) on the same file system): readers see the old file or the new
/// one, never half of either. The new file takes `mode`, else the owner's
/// and group's bits of the file of ours it replaces (an operator's chmod for
/// a group survives), never others' bits, else stays private. A symbolic
/// link at the destination is replaced, not written through.
public enum AtomicRename {
    public static func move(_ temporary: String, over destination: String, mode: mode_t? = nil) throws(OutputError) {
        var st = stat()
        let replaced: mode_t? =
            lstat(destination, &st) == 0 && st.st_mode & S_IFMT == S_IFREG && st.st_uid == geteuid() ? st.st_mode & 0o770 : nil
        if let mode = (mode ?? replaced).map({ $0 & 0o770 }) { chmod(temporary, mode) }
        guard rename(temporary, destination) == 0 else {
            let reason = PrivateFile.reason(errno, destination)
            unlink(temporary)
            throw OutputError(destination: destination, reason: reason)
        }
    }

    /// Writes `fill`'s output to a temporary file beside `destination`,
    /// then renames it over: on any error nothing partial is left behind.
    public static func write<T>(to destination: String, _ fill: (OutputSink) throws -> T) throws -> T {
        removeAbandoned(for: destination)
        let temporary = temporaryPath(for: destination)
        let fd = try PrivateFile.create(temporary, destination: destination)
        var isOpen = true
        do {
            let sink = OutputSink(fd: fd, name: destination)
            let result = try fill(sink)
            try sink.flush()
            // A full disk can surface only at fsync or close: both are checked.
            guard fsync(fd) == 0 || errno == EINVAL else { throw OutputError(destination: destination, errno: errno) }
            isOpen = false
            guard close(fd) == 0 else { throw OutputError(destination: destination, errno: errno) }
            try move(temporary, over: destination)
            return result
        } catch {
            if isOpen { close(fd) }
            unlink(temporary)
            throw error
        }
    }

    /// Removes the temporary files of `destination` that a killed process
    /// left (their pid is gone) and that are ours: a killed backup leaves a
    /// whole copy of the archive behind, which no one else would remove.
    public static func removeAbandoned(for destination: String) {
        let url = URL(fileURLWithPath: destination)
        let folder = url.deletingLastPathComponent().path
        let prefix = ".\(url.lastPathComponent).partial-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid > 0, pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = folder + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_uid == geteuid() else { continue }
            unlink(path)
        }
    }

    /// A hidden name beside `destination` (same file system, so rename is atomic).
    public static func temporaryPath(for destination: String) -> String {
        let url = URL(fileURLWithPath: destination)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
    }
}
