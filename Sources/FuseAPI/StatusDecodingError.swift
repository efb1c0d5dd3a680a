/// A body that cannot be read as a call status: what was wrong, and how it began.
public struct StatusDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    /// The first bytes of the body, printable, for the error message.
    public let bodyStart: String

    public init(_ reason: String, body: [UInt8]) {
        self.reason = reason
        let prefix = body.prefix(80)
        var text = String(decoding: prefix, as: UTF8.self).map { $0.isNewline ? " " : $0 }.map(String.init).joined()
        if body.count > 80 { text += "…" }
        self.bodyStart = text
    }

    public var description: String {
        bodyStart.isEmpty ? "\(reason) (empty body)" : "\(reason); body starts: \(bodyStart)"
    }
}
