/// The storage itself failed (a database error that is not about the
/// input): said in the backend's words. `isBusy` when another writer held it.
public struct StorageError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public let isBusy: Bool
    public init(_ message: String, isBusy: Bool) {
        self.message = message
        self.isBusy = isBusy
    }
    public var description: String { "database error: \(message)" }
}
