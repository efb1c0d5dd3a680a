/// Missing or unusable configuration (exit 78): what is wrong and how to fix it.
public struct FuseConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
