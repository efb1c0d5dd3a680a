import ArgumentParser

/// Benchmarks for the Fuse client, run by scripts/bench-client.sh.
@main
struct FuseBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuse-bench",
        abstract: "Client benchmarks: fetch throughput against fuse-mock, and decoder rates.",
        subcommands: [FetchBench.self, DecodeBench.self]
    )
}
