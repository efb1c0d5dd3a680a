/// An error of a database driver that its backend knows how to say in the
/// core's words: the facade catches this one type and never names a driver
/// (docs/architecture.md, "Errors").
package protocol DriverError: Error {
    /// The same failure as a `StorageError` about the archive at `path`.
    func storageError(path: String) -> StorageError
}
