internal import CCurl

/// A transfer that got no complete HTTP answer.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case connectionRefused
        case hostNotFound
        case tls
        case timeout
        /// The connection broke mid-exchange (reset, closed, empty reply).
        case connectionLost
        case bodyTooLarge
        case other
    }

    public let kind: Kind
    /// The `CURLcode`.
    public let code: Int32
    public let message: String

    public init(kind: Kind, code: Int32, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    init(code: CURLcode, detail: String) {
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        self.init(kind: Self.kind(of: code), code: Int32(bitPattern: code.rawValue), message: text)
    }

    /// True when the server could not be reached at all (no HTTP exchange
    /// could have happened), as opposed to a failure part-way through.
    public var isUnreachable: Bool {
        kind == .connectionRefused || kind == .hostNotFound || kind == .tls
    }

    public var description: String { message }

    /// The server's (or proxy's) certificate is not signed by a CA this
    /// machine trusts, or the CA bundle given could not be read.
    public var isUntrustedCertificate: Bool {
        [CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR].contains { Int32(bitPattern: $0.rawValue) == code }
    }

    static func kind(of code: CURLcode) -> Kind {
        switch code {
        case CURLE_COULDNT_CONNECT: .connectionRefused
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .hostNotFound
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            .tls
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            .connectionLost
        default: .other
        }
    }
}
