/// Missing or bad configuration (the command line exits 78): what is wrong
/// and what to set.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
