import Foundation

/// Files callhist creates hold phone numbers and raw bodies: they are born
/// with no permission for others (0600 unless told otherwise), and a file
/// that already exists keeps the mode its owner gave it
/// (docs/reliability.md, "Private files").
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
    package static func ensureExists(_ path: String, mode: mode_t = defaultMode) throws(OutputError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd >= 0 {
            fchmod(fd, mode)
            close(fd)
            return
        }
        guard errno == EEXIST else { throw OutputError(destination: path, reason: reason(errno, path)) }
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
