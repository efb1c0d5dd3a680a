/// What one transfer asks for. A value: the driver turns it into a
/// configured easy handle when the transfer starts.
public struct CurlRequest: Sendable {
    public struct BasicAuth: Sendable, CustomStringConvertible {
        public let user: String
        public let password: String
        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }
        /// Never shows the password, so a credential printed by mistake leaks nothing.
        public var description: String { "BasicAuth(user: \(user), password: <redacted>)" }
    }

    public var url: String
    public var headers: [String]
    public var auth: BasicAuth?
    /// A netrc file libcurl reads the credentials from (used when `auth` is nil).
    public var netrcFile: String?
    public var connectTimeout: Duration
    public var timeout: Duration
    public var userAgent: String
    /// Bodies larger than this fail with `CurlError.Kind.bodyTooLarge` rather
    /// than growing memory without bound.
    public var maxBodyBytes: Int
    /// Never go through a proxy, whatever `http_proxy`/`https_proxy` say
    /// (a loopback server is on this machine; a proxy would see the credentials).
    public var bypassProxy = false
    /// The proxy to use (CURLOPT_PROXY), overriding the environment's.
    public var proxy: String?
    /// A PEM bundle of CA certificates to trust (CURLOPT_CAINFO) instead of
    /// the system's: for networks that inspect TLS with their own CA.
    public var caBundle: String?

    public init(
        url: String, headers: [String] = [], auth: BasicAuth? = nil, netrcFile: String? = nil,
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(30),
        userAgent: String = "callhist", maxBodyBytes: Int = 16 << 20
    ) {
        self.url = url
        self.headers = headers
        self.auth = auth
        self.netrcFile = netrcFile
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.userAgent = userAgent
        self.maxBodyBytes = maxBodyBytes
    }
}
