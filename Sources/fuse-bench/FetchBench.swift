import ArgumentParser
import Foundation
import FuseAPI

/// Statuses fetched and decoded per second against a running fuse-mock.
struct FetchBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fetch", abstract: "Fetch-only throughput of the Fuse client.")

    @Option(help: "Base URL of the API.") var baseURL: String
    @Option(help: "How many ids to fetch (call-0000001 …).") var count = 10_000
    @Option(help: "Requests in flight at most.") var concurrency = 8
    @Option(help: "json or xml.") var format = "json"
    @Option(help: "Basic-auth user.") var email = "demo@example.com"
    @Option(help: "Trust the CA certificates in this PEM file (a benchmark server's throwaway CA).") var cacert: String?

    func run() throws {
        let key = ProcessInfo.processInfo.environment["FUSE_DEVELOPER_KEY"] ?? "demo-key"
        var c = FuseClient.Configuration(endpoint: try FuseEndpoint(baseURL), credentials: .basic(email: email, developerKey: key))
        c.concurrency = concurrency
        c.format = BodyFormat(rawValue: format) ?? .json
        c.caBundle = cacert
        var found = 0
        var other = 0
        let start = ContinuousClock.now
        let ids = (1...count).lazy.map { "call-" + String(repeating: "0", count: max(0, 7 - String($0).count)) + String($0) }
        let summary = FuseClient(c).fetch(ids) { result in
            if case .found = result.outcome { found += 1 } else { other += 1 }
        }
        let seconds = (ContinuousClock.now - start).seconds
        print(
            String(
                format: "fetched=%d other=%d requests=%d connections=%d seconds=%.3f per_second=%.0f", found, other, summary.requests,
                summary.connections, seconds,
                Double(found + other) / seconds))
    }
}

extension Duration {
    var seconds: Double { self / .seconds(1) }
}
