/// What an archive or import run came to. CallHistory says what happened;
/// the command line alone decides what exit code that is (its `ExitPolicy`),
/// and hands that mapping in, so `archive_runs.exit_code` records the same
/// number the process exits with (docs/architecture.md).
public enum RunOutcome: Sendable, Equatable {
    /// Every id got a definite answer (a 404 or 403 is one), or every line landed.
    case completed
    /// Some calls could not be fetched after retries; they stay due.
    case partial
    /// The API refused the credentials (401); the run stopped at once.
    case unauthorized
    /// The API looked down part-way and the circuit breaker gave up: the
    /// rest waits for the next run (docs/reliability.md, "API outages").
    case outage
    /// Not one request got an HTTP answer.
    case unreachable
    /// A refused id (nothing fetched) or bad import lines (the rest landed).
    case badInput
    /// A signal asked the run to stop; what was received is kept.
    case interrupted
    /// The server is not the Fuse API (a wrong base URL): the run stopped at once.
    case misconfigured
}
