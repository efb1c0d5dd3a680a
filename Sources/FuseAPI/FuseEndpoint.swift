import Foundation

/// The API's base URL, checked once: https anywhere, plain http only on
/// loopback (credentials must not cross a network in the clear).
public struct FuseEndpoint: Sendable, Equatable {
    public static let defaultBaseURL = "https://fuse.plumvoice.com/api"

    public let baseURL: String
    /// The host is this machine (127.0.0.0/8, ::1, localhost): no proxy is used.
    public let isLoopback: Bool
    /// The host name as written (lowercased), as a netrc `machine` names it.
    public let host: String

    public init(_ text: String) throws(FuseConfigurationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw FuseConfigurationError("base URL \"\(text)\" is not an absolute http(s) URL (expected something like \(Self.defaultBaseURL))")
        }
        guard components.user == nil, components.password == nil else {
            throw FuseConfigurationError("base URL must not contain credentials; use FUSE_EMAIL/FUSE_DEVELOPER_KEY or --netrc-file")
        }
        guard components.query == nil, components.fragment == nil else {
            throw FuseConfigurationError("base URL \"\(text)\" must not have a query or fragment")
        }
        switch scheme {
        case "https": break
        case "http":
            guard Self.isLoopback(host) else {
                throw FuseConfigurationError(
                    "refusing plain http:// to \(host): credentials would cross the network unencrypted. Use https:// (http is allowed only for 127.0.0.1, ::1 and localhost)"
                )
            }
        default:
            throw FuseConfigurationError("base URL scheme \(scheme) is not supported; use https://")
        }
        var base = trimmed
        while base.hasSuffix("/") { base.removeLast() }
        baseURL = base
        isLoopback = Self.isLoopback(host)
        self.host = host.lowercased()
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" || h.hasSuffix(".localhost") { return true }
        let parts = h.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The status URL of one call, its id percent-encoded as a single path segment.
    public func statusURL(for callID: String) -> String {
        baseURL + "/outbound/" + Self.encodePathSegment(callID)
    }

    /// Everything but RFC 3986 unreserved characters is percent-encoded, so
    /// `/`, `?`, `#`, `+`, `:` and spaces can never change the request's meaning.
    static func encodePathSegment(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
