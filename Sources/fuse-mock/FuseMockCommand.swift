import ArgumentParser
import Foundation
import FuseMock

@main
struct FuseMockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuse-mock",
        abstract: "A local simulator of Plum Fuse's outbound call status API (GET /api/outbound/{call_id}).",
        discussion: """
            Serves a deterministic set of synthetic calls (call-0000001 … call-N) on 127.0.0.1.
            Calls progress as the simulated clock moves: it follows the real clock by default (--now, \
            --speed), and POST /_mock/advance?seconds=N moves it forward (the mock's clock only: \
            callhist's schedule follows the real one).
            GET /_mock/stats reports requests, the most in flight at once, and answers by status.
            With --port 0 the chosen port is printed first on stdout.
            """
    )

    @Option(help: "Port to listen on (0 picks a free one).") var port = 8089
    @Option(help: "Address to bind (loopback by default).") var host = "127.0.0.1"
    @Option(help: "Seed of the synthetic calls.") var seed: UInt64 = 1
    @Option(help: "How many synthetic calls exist.") var calls = 1000
    @Option(help: "The calls are queued over this many days before the simulated now (a few up to a day after it).") var days = 7
    @Option(help: ArgumentHelp("Simulated unix time at start (default: the present).", valueName: "unix-seconds")) var now: Int64?
    @Option(help: "Simulated seconds per real second (0 keeps the clock still; 60 makes a minute an hour).") var speed = 1.0
    @Option(help: "Basic-auth user the mock accepts.") var email = "demo@example.com"
    @Option(help: "Basic-auth password (developer key) the mock accepts; prefer FUSE_MOCK_KEY.") var key: String?
    @Option(help: "Delay before every answer, in milliseconds.") var latency = 0
    @Option(help: "Share of requests answered 500.") var errorRate = 0.0
    @Option(help: "Share of requests answered 429 with Retry-After.") var rateLimitRate = 0.0
    @Option(help: "Retry-After seconds sent with 429.") var retryAfter = 1
    @Option(help: "Share of 200 answers with a truncated body.") var malformedRate = 0.0
    @Option(help: "Share of answers whose connection is closed mid-response.") var dropRate = 0.0
    @Option(help: "Share of calls owned by another account (403).") var forbiddenRate = 0.0
    @Option(
        help:
            "Share of calls whose JSON bodies are hostile: Int64 edges, floats for ints, control characters, formulas, duplicate keys, bytes that are not UTF-8, deep nesting (one kind per call, fixed by its id)."
    )
    var hostileRate = 0.0
    @Option(help: "Event-loop threads (default: one per core).") var threads: Int?
    @Flag(help: "Print the ids of the synthetic calls, one a line, and exit.") var listIds = false

    func validate() throws {
        for (name, p) in [
            ("error-rate", errorRate), ("rate-limit-rate", rateLimitRate), ("malformed-rate", malformedRate), ("drop-rate", dropRate),
            ("forbidden-rate", forbiddenRate), ("hostile-rate", hostileRate),
        ] {
            guard (0...1).contains(p) else { throw ValidationError("--\(name) must be between 0 and 1") }
        }
        guard errorRate + rateLimitRate + malformedRate + dropRate <= 1 else { throw ValidationError("the fault rates add up to more than 1") }
        guard calls >= 1 else { throw ValidationError("--calls must be at least 1") }
        guard (1...3660).contains(days) else { throw ValidationError("--days must be between 1 and 3660") }
        guard speed >= 0, speed <= 1_000_000 else { throw ValidationError("--speed must be between 0 and 1000000") }
        if let now, !(0...253_402_300_799).contains(now) { throw ValidationError("--now must be a unix time between 0 and 253402300799") }
    }

    func run() throws {
        // Before any event-loop thread starts: threads inherit the mask.
        TerminationSignals.unblock()
        var c = FuseSimulator.Configuration()
        c.seed = seed
        c.calls = calls
        c.days = days
        if let now { c.now = now }
        c.speed = speed
        c.email = email
        c.key = key ?? ProcessInfo.processInfo.environment["FUSE_MOCK_KEY"] ?? "demo-key"
        c.latencyMilliseconds = latency
        c.errorRate = errorRate
        c.rateLimitRate = rateLimitRate
        c.retryAfterSeconds = retryAfter
        c.malformedRate = malformedRate
        c.dropRate = dropRate
        c.forbiddenRate = forbiddenRate
        c.hostileRate = hostileRate
        let simulator = FuseSimulator(c)
        if listIds {
            var out = ""
            out.reserveCapacity(calls * 13)
            for id in simulator.ids { out += id + "\n" }
            FileHandle.standardOutput.write(Data(out.utf8))
            return
        }
        let stats = ServerStats()
        let server = try MockHTTPServer(host: host, port: port, threads: threads ?? MockHTTPServer.coreCount, stats: stats) { request in
            simulator.respond(request, stats: stats)
        }
        FileHandle.standardOutput.write(Data("\(server.port)\n".utf8))
        FileHandle.standardError.write(Data("fuse-mock: serving \(calls) calls on http://\(host):\(server.port)/api (user \(c.email))\n".utf8))
        try server.wait()
    }
}
