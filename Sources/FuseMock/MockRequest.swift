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

    /// The target in origin form: an absolute-form target (`GET http://host/path`,
    /// as a client sends it to a proxy) loses its scheme and authority, as
    /// RFC 9112 §3.2.2 asks a server to accept.
    var originForm: Substring {
        for scheme in ["http://", "https://"] where uri.lowercased().hasPrefix(scheme) {
            let rest = uri.dropFirst(scheme.count)
            return rest.firstIndex(where: { $0 == "/" || $0 == "?" }).map { rest[$0...] } ?? "/"
        }
        return uri[...]
    }

    public var path: Substring { originForm.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" }
    public var query: Substring? {
        let parts = originForm.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 ? parts[1] : nil
    }

    /// True when the request came in absolute form, as through a proxy.
    public var viaProxy: Bool { !uri.hasPrefix("/") }
}
