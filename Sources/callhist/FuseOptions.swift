import ArgumentParser
import CallHistory
import Foundation

/// How to reach the Fuse API: base URL and credentials. The developer key
/// comes only from the environment or a netrc file, never from arguments
/// (process arguments are visible to every user of the machine).
struct FuseOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The API base URL (default: $FUSE_BASE_URL, else https://fuse.plumvoice.com/api).", valueName: "url"))
    var baseURL: String?

    @Option(
        help: ArgumentHelp("Read the login and developer key from this netrc file instead of FUSE_EMAIL/FUSE_DEVELOPER_KEY.", valueName: "path"),
        completion: .file())
    var netrcFile: String?

    @Option(
        help: ArgumentHelp(
            "Trust the CA certificates in this PEM file instead of the system's (default: $CALLHIST_CA_BUNDLE), for networks that inspect TLS.",
            valueName: "file"), completion: .file())
    var cacert: String?

    @Option(
        help: ArgumentHelp(
            "Send every request through this proxy (http://host:port); without it the https_proxy and no_proxy variables apply.", valueName: "url"))
    var proxy: String?

    var unchecked: FetchSettings { FetchSettings(baseURL: baseURL, netrcFile: netrcFile, caBundle: cacert, proxy: proxy) }

    /// The settings, checked (exit 78 before anything is opened or sent);
    /// a netrc file others can read is warned about.
    func settings() throws -> FetchSettings {
        let settings = unchecked
        _ = try settings.check()
        if let warning = settings.netrcWarning { ExitPolicy.printError("warning: " + warning) }
        return settings
    }
}
