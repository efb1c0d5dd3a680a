import ArgumentParser
import CallHistory
import Foundation

/// How to reach the Fuse API: base URL and credentials. The developer key
/// comes only from the environment or a netrc file, never from arguments
/// (process arguments are visible to every user of the machine).
struct FuseOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The API base URL (default: $FUSE_BASE_URL, else https://fuse.plumvoice.com/api).", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Read the login and developer key from this netrc file instead of FUSE_EMAIL/FUSE_DEVELOPER_KEY.", valueName: "path"))
    var netrcFile: String?

    /// The settings, checked (exit 78 before anything is opened or sent);
    /// a netrc file others can read is warned about.
    func settings() throws -> FetchSettings {
        let settings = FetchSettings(baseURL: baseURL, netrcFile: netrcFile)
        _ = try settings.check()
        if let warning = settings.netrcWarning { ExitPolicy.printError("warning: " + warning) }
        return settings
    }
}
