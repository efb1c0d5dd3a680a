import Foundation

/// Keeps two writing runs (archive, import, rebuild) off one archive: an
/// exclusive `flock` on `<archive>.lock`, released by the kernel however
/// the process ends, so a killed run never leaves a stale lock behind.
public final class RunLock {
    private let fd: Int32
    public let path: String

    /// Takes the lock, or throws `ArchiveError.busy` when another run holds
    /// it (with `wait`, blocks until it is free).
    public init(archivePath: String, wait: Bool = false) throws {
        path = archivePath + ".lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ArchiveError.cannotOpen(path: archivePath, detail: PrivateFile.reason(errno, archivePath))
        }
        while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            let busy = errno == EWOULDBLOCK
            close(fd)
            throw busy ? ArchiveError.busy(path: archivePath) : ArchiveError.cannotOpen(path: path, detail: String(cString: strerror(errno)))
        }
    }

    deinit { close(fd) }  // closing the descriptor releases the lock
}
