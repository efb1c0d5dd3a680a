import ArgumentParser
import Foundation
import CallHistory
import FuseAPI

/// How to reach the Fuse API: base URL and credentials. The developer key
/// comes only from the environment or a netrc file, never from arguments
/// (process arguments are visible to every user of the machine).
struct FuseOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The API base URL (default: $FUSE_BASE_URL, else \(FuseEndpoint.defaultBaseURL)).", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Read the login and developer key from this netrc file instead of FUSE_EMAIL/FUSE_DEVELOPER_KEY.", valueName: "path"))
    var netrcFile: String?

    func endpoint(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(FuseConfigurationError) -> FuseEndpoint {
        try FuseEndpoint(baseURL ?? env["FUSE_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? FuseEndpoint.defaultBaseURL)
    }

    func credentials(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(FuseConfigurationError) -> FuseCredentials {
        if let netrcFile {
            guard FileManager.default.isReadableFile(atPath: netrcFile) else {
                throw FuseConfigurationError("the netrc file \(netrcFile) does not exist or cannot be read")
            }
            if let mode = PrivateFile.mode(of: netrcFile), mode & 0o077 != 0 {
                ExitPolicy.printError("warning: the netrc file \(netrcFile) holds the developer key but is readable by "
                    + "\(mode & 0o007 != 0 ? "every user" : "its group") (mode \(String(mode, radix: 8))); run chmod 600 \(netrcFile)")
            }
            return .netrc(path: netrcFile)
        }
        let email = env["FUSE_EMAIL"].flatMap { $0.isEmpty ? nil : $0 }
        let key = env["FUSE_DEVELOPER_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (email, key) {
        case let (email?, key?): return .basic(email: email, developerKey: key)
        case (nil, nil):
            throw FuseConfigurationError("no credentials: set FUSE_EMAIL and FUSE_DEVELOPER_KEY in the environment, or pass --netrc-file")
        case (nil, _): throw FuseConfigurationError("FUSE_DEVELOPER_KEY is set but FUSE_EMAIL is not: set both")
        case (_, nil): throw FuseConfigurationError("FUSE_EMAIL is set but FUSE_DEVELOPER_KEY is not: set both")
        }
    }
}
