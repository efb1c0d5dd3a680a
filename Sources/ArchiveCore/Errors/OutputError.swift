import Foundation

/// Output could not be written (exit 74): which destination, and why in
/// the system's words (`No space left on device`).
public struct OutputError: Error, CustomStringConvertible, Equatable {
    public let destination: String
    public let reason: String

    public init(destination: String, errno code: Int32) {
        self.destination = destination
        self.reason =
            switch code {
            case EISDIR: "it is a folder; name a file in it"
            case EACCES, EPERM: "you have no permission to write there"
            case ENOSPC: "the disk is full"
            default: String(cString: strerror(code))
            }
    }

    public init(destination: String, reason: String) {
        self.destination = destination
        self.reason = reason
    }

    public var description: String {
        "cannot write \(destination): \(reason). Nothing partial was kept; choose another destination (or free space), then run it again."
    }
}
