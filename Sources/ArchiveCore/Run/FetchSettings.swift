import Foundation
import FuseAPI

/// How to reach the Fuse API and how politely, in the command line's terms:
/// the base URL and credentials (from options or the environment; the
/// developer key never from an argument), concurrency, rate, timeouts,
/// retries and budgets. `CallArchive` turns it into a client.
public struct FetchSettings: Sendable {
    public var baseURL: String?
    public var netrcFile: String?
    /// `--cacert`: a PEM bundle to trust instead of the system store.
    public var caBundle: String?
    /// `--proxy`: used for every request, instead of the proxy variables.
    public var proxy: String?
    public var environment: [String: String]
    public var concurrency = 8
    public var rate: Double?
    public var timeout: Duration = .seconds(30)
    public var format: ResponseFormat = .json
    public var retries = 4
    public var maxRequests: Int?
    /// Counted from when the run starts fetching.
    public var maxRuntime: Duration?
    /// How long the API may look down before the run gives up (`--give-up-after`); nil never.
    public var giveUpAfter: Duration? = .seconds(30)

    public init(
        baseURL: String? = nil, netrcFile: String? = nil, caBundle: String? = nil, proxy: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.baseURL = baseURL
        self.netrcFile = netrcFile
        self.caBundle = caBundle
        self.proxy = proxy
        self.environment = environment
    }

    /// `--cacert`, else `CALLHIST_CA_BUNDLE` (libcurl here ignores `CURL_CA_BUNDLE`).
    public var resolvedCABundle: String? { caBundle ?? environment["CALLHIST_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 } }

    package func checkedCABundle() throws(ConfigurationError) -> String? {
        guard let path = resolvedCABundle else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            FileManager.default.isReadableFile(atPath: path)
        else {
            throw ConfigurationError("the CA bundle \(path) (--cacert or CALLHIST_CA_BUNDLE) is not a readable file")
        }
        return path
    }

    package func checkedProxy() throws(ConfigurationError) -> String? {
        guard let proxy else { return nil }
        guard !proxy.isEmpty, !proxy.contains(where: { $0.isWhitespace || $0.isNewline }), let scheme = proxy.split(separator: ":").first,
            ["http", "https", "socks4", "socks4a", "socks5", "socks5h"].contains(scheme.lowercased()), proxy.contains("://")
        else {
            throw ConfigurationError(
                "--proxy \(RedactedURL.string(proxy).debugDescription) is not a proxy URL (expected http://host:port, https://… or socks5://…)")
        }
        return proxy
    }

    /// `--base-url`, else `FUSE_BASE_URL`, else Plum's.
    public var resolvedBaseURL: String { baseURL ?? environment["FUSE_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? FuseEndpoint.defaultBaseURL }

    package func endpoint() throws(ConfigurationError) -> FuseEndpoint {
        do {
            return try FuseEndpoint(resolvedBaseURL)
        } catch {
            throw ConfigurationError(error.message)
        }
    }

    package func credentials() throws(ConfigurationError) -> FuseCredentials {
        if let netrcFile {
            guard FileManager.default.isReadableFile(atPath: netrcFile),
                let text = try? String(contentsOfFile: netrcFile, encoding: .utf8)
            else {
                throw ConfigurationError("the netrc file \(netrcFile) does not exist or cannot be read")
            }
            let host = try endpoint().host
            guard Netrc.hasEntry(for: host, in: text) else {
                throw ConfigurationError(
                    "the netrc file \(netrcFile) has no entry for \(host): add a line \"machine \(host) login YOUR_EMAIL password YOUR_DEVELOPER_KEY\""
                )
            }
            return .netrc(path: netrcFile)
        }
        let email = environment["FUSE_EMAIL"].flatMap { $0.isEmpty ? nil : $0 }
        let key = environment["FUSE_DEVELOPER_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (email, key) {
        case (let email?, let key?): return .basic(email: email, developerKey: key)
        case (nil, nil): throw ConfigurationError("no credentials: set FUSE_EMAIL and FUSE_DEVELOPER_KEY in the environment, or pass --netrc-file")
        case (nil, _): throw ConfigurationError("FUSE_DEVELOPER_KEY is set but FUSE_EMAIL is not: set both")
        case (_, nil): throw ConfigurationError("FUSE_EMAIL is set but FUSE_DEVELOPER_KEY is not: set both")
        }
    }

    /// Checks the configuration without any request; the description of the
    /// credentials never shows the key.
    public func check() throws(ConfigurationError) -> String {
        _ = try endpoint()
        _ = try checkedCABundle()
        _ = try checkedProxy()
        return "\(try credentials())"
    }

    /// A warning when the netrc file, which holds the key, is readable by others.
    public var netrcWarning: String? {
        guard let netrcFile, let mode = PrivateFile.mode(of: netrcFile), mode & 0o077 != 0 else { return nil }
        return "the netrc file \(netrcFile) holds the developer key but is readable by "
            + "\(mode & 0o007 != 0 ? "every user" : "its group") (mode \(String(mode, radix: 8))); run chmod 600 \(netrcFile)"
    }

    package func clientConfiguration() throws(ConfigurationError) -> FuseClient.Configuration {
        var config = FuseClient.Configuration(endpoint: try endpoint(), credentials: try credentials())
        config.concurrency = concurrency
        config.ratePerSecond = rate
        config.timeout = timeout
        config.format = format.bodyFormat
        config.retry.retries = retries
        config.userAgent = "callhist/\(CallhistVersion.string)"
        config.maxRequests = maxRequests
        config.deadline = maxRuntime.map { ContinuousClock.now + $0 }
        config.giveUpAfter = giveUpAfter
        config.caBundle = try checkedCABundle()
        config.proxy = try checkedProxy()
        return config
    }

    /// One real request (for an id that does not exist) to check the URL
    /// and the credentials: `doctor --ping`.
    public func ping() -> ArchiveCheck {
        do {
            var config = try clientConfiguration()
            config.retry.retries = 0
            config.maxRequests = nil
            config.deadline = nil
            var outcome: FetchOutcome?
            FuseClient(config).fetch(["callhist-doctor-ping"]) { outcome = $0.outcome }
            switch outcome {
            case .found?, .notFound?, .forbidden?:
                let via = config.proxy.map { " through the proxy \(RedactedURL.string($0))" } ?? ""
                return .init(.ok, "API \(config.endpoint.baseURL) answered\(via) and accepted the credentials")
            case .deferred(let wait)?:
                return .init(
                    .warn, "API \(config.endpoint.baseURL) answered 429: it asks to wait \(Int(wait / .seconds(1))) s before the next request")
            case .unauthorized(let message)?: return .init(.fail, "API refused the credentials (401: \(message))")
            case .misconfigured(let message)?:
                return .init(
                    .fail, "\(config.endpoint.baseURL) is not the Fuse API: it answered \(message). Check --base-url (it normally ends in /api)")
            case .failed(let f)? where f.untrustedCertificate:
                return .init(
                    .fail,
                    "API \(config.endpoint.baseURL): \(f.reason) — certificate not trusted: pass --cacert FILE (or set CALLHIST_CA_BUNDLE) with the CA your network uses"
                )
            case .failed(let f)?: return .init(.fail, "API \(config.endpoint.baseURL): \(f.reason)")
            case nil: return .init(.fail, "API gave no answer")
            }
        } catch {
            return .init(.fail, error.message)
        }
    }
}
