/// An HTTP request as the mock server saw it.
public struct MockRequest: Sendable {
    public let method: String
    /// The request target as sent (path and query, still percent-encoded).
    public let uri: String
    /// Header names lower-cased.
    public let headers: [String: String]

    public init(method: String, uri: String, headers: [String: String]) {
        self.method = method
        self.uri = uri
        self.headers = headers
    }

    public var path: Substring { uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" }
    public var query: Substring? {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 ? parts[1] : nil
    }
}
