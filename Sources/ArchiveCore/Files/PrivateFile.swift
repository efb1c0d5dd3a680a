import Foundation

/// Files callhist creates hold phone numbers and raw bodies: they are born
/// with no permission for others (0600 unless told otherwise), never
/// through a symbolic link, and a file replaced keeps its owner's and
/// group's bits but never others' (docs/reliability.md, "Private files").
public enum PrivateFile {
    public static let defaultMode: mode_t = 0o600

    /// Creates `path`, which must not exist, and returns its open descriptor.
    /// Errors name `destination` (the file the user asked for), not a temporary name.
    public static func create(_ path: String, mode: mode_t = defaultMode, destination: String? = nil) throws(OutputError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw OutputError(destination: destination ?? path, reason: reason(errno, destination ?? path)) }
        // umask may only have narrowed the mode; set it exactly.
        fchmod(fd, mode)
        return fd
    }

    /// Creates an empty `path` with `mode` when it does not exist yet (for
    /// SQLite, which then opens it and gives its -wal and -shm the same mode).
    /// A dangling symbolic link is refused: SQLite would create the file it
    /// points to with the umask's mode (0644), and a link planted in a shared
    /// folder would choose where the archive goes.
    package static func ensureExists(_ path: String, mode: mode_t = defaultMode) throws(OutputError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd >= 0 {
            fchmod(fd, mode)
            close(fd)
            return
        }
        guard errno == EEXIST else { throw OutputError(destination: path, reason: reason(errno, path)) }
        var st = stat()
        if lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK, stat(path, &st) != 0 {
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
            throw OutputError(
                destination: path,
                reason:
                    "it is a symbolic link to \(target), which does not exist; callhist does not create files through links. Create the archive at \(target) itself, or remove the link"
            )
        }
    }

    /// Why an existing file is not private, or nil: another user owns it, or
    /// every user may read or write it (docs/reliability.md, "Private files").
    public static func exposure(of path: String) -> Exposure? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let mode = st.st_mode & 0o7777
        let foreign = st.st_uid != geteuid()
        guard foreign || mode & 0o006 != 0 else { return nil }
        return Exposure(path: path, mode: mode, owner: foreign ? st.st_uid : nil)
    }

    public struct Exposure: Sendable, Equatable {
        public let path: String
        public let mode: mode_t
        /// The owning uid when it is not this user.
        public let owner: uid_t?

        /// Open to every user (read or write), not only to a group.
        public var openToOthers: Bool { mode & 0o006 != 0 }

        public var description: String {
            var parts: [String] = []
            if let owner {
                let name = getpwuid(owner).map { String(cString: $0.pointee.pw_name) } ?? "uid \(owner)"
                parts.append("belongs to another user (\(name))")
            }
            if openToOthers { parts.append("is \(mode & 0o002 != 0 ? "writable" : "readable") by every user (mode \(String(mode, radix: 8)))") }
            return "\(path) " + parts.joined(separator: " and ")
        }
    }

    /// Opens `path` for appending, creating it 0600, never through a link
    /// (a trace file: `CALLHIST_TRACE_SQL`).
    public static func openForAppending(_ path: String) throws(OutputError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, defaultMode)
        guard fd >= 0 else { throw OutputError(destination: path, reason: reason(errno, path)) }
        return fd
    }

    /// The permission bits of an existing file, or nil.
    public static func mode(of path: String) -> mode_t? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return st.st_mode & 0o7777
    }

    /// strerror, said of a path the way a person checks it.
    package static func reason(_ code: Int32, _ path: String) -> String {
        if code == ENOENT {
            let folder = (path as NSString).deletingLastPathComponent
            return "the folder \(folder.isEmpty ? "." : folder) does not exist"
        }
        return OutputError(destination: path, errno: code).reason
    }
}
