import Foundation

/// Moves a finished temporary file over its destination in one step
/// (rename(2) on the same file system): readers see the old file or the new
/// one, never half of either.
public enum AtomicRename {
    public static func move(_ temporary: String, over destination: String) throws {
        guard rename(temporary, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw InputError("cannot write \(destination): \(reason)")
        }
    }
}
