/// How requests authenticate: HTTP Basic with the Fuse login e-mail and the
/// developer key, either given directly or read by libcurl from a netrc file.
/// Its description never shows the key.
public enum FuseCredentials: Sendable, CustomStringConvertible {
    case basic(email: String, developerKey: String)
    case netrc(path: String)

    public var description: String {
        switch self {
        case .basic(let email, _): "Basic auth as \(email) (key from FUSE_DEVELOPER_KEY)"
        case .netrc(let path): "credentials from netrc file \(path)"
        }
    }
}
