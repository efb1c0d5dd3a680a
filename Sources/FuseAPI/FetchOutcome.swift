/// The definite answer for one call id.
public enum FetchOutcome: Sendable {
    /// 200 with a readable body.
    case found(CallStatus)
    /// 404: no such call (an answer, not a failure).
    case notFound(message: String)
    /// 403: the call belongs to another account (an answer, not a failure).
    case forbidden(message: String)
    /// 401: the credentials were refused; the client stops at once.
    case unauthorized(message: String)
    /// An answer that is not the API's: a 404 whose body is not the API's
    /// error document (a web server's page: the base URL is wrong), or a 200
    /// that is an HTML page (a portal or proxy). The client stops at once and
    /// nothing is recorded for the id (docs/reliability.md).
    case misconfigured(message: String)
    /// No definite answer after every retry, or an answer that is an error.
    case failed(FetchFailure)
    /// The API asked the id to wait (`Retry-After`) longer than a run waits:
    /// left for the next run, nothing recorded (docs/reliability.md, "Retry-After").
    case deferred(retryAfter: Duration)
}

/// Why an id could not be fetched, from its last attempt.
public struct FetchFailure: Sendable, Error, CustomStringConvertible {
    public let reason: String
    /// The HTTP status of the last attempt, nil when none came.
    public let httpStatus: Int?
    /// True when no attempt got any HTTP answer because the server could not be reached.
    public let unreachable: Bool
    /// True for a 200 whose body could not be read.
    public let malformed: Bool
    /// True when TLS failed because the certificate is not trusted here.
    public let untrustedCertificate: Bool

    public init(reason: String, httpStatus: Int?, unreachable: Bool = false, malformed: Bool = false, untrustedCertificate: Bool = false) {
        self.reason = reason
        self.httpStatus = httpStatus
        self.unreachable = unreachable
        self.malformed = malformed
        self.untrustedCertificate = untrustedCertificate
    }

    public var description: String { reason }
}

/// One id's result, delivered as soon as it is known.
public struct FetchResult: Sendable {
    public let callID: String
    public let outcome: FetchOutcome
    /// HTTP requests spent on this id (1 + retries).
    public let requests: Int
}

/// What a whole `fetch` did.
public struct FetchSummary: Sendable, Equatable {
    public var requests = 0
    /// Connections opened to answer them: with HTTP/2 one carries many requests at once.
    public var connections = 0
    public var delivered = 0
    /// Ids that got at least one HTTP answer (any status).
    public var answered = 0
    /// Ids given up without an outcome because a budget ran out or a 401 stopped the run.
    public var abandoned = 0
    public var stoppedByUnauthorized = false
    /// An answer that is not the API's stopped the run (`FetchOutcome.misconfigured`).
    public var stoppedByMisconfiguration = false
    /// The caller asked the run to finish early (a signal): nothing more
    /// started, transfers in flight were given a grace period.
    public var interrupted = false
    public var budgetExhausted = false
    /// Time waited on `Retry-After`, every id's waits added up.
    public var retryAfterWaited: Duration = .zero
    /// The circuit breaker gave up on the API: what it saw (docs/reliability.md, "API outages").
    public var outage: APIOutage?

    /// The run stopped at once: nothing more is started or reported.
    public var stoppedAtOnce: Bool { stoppedByUnauthorized || stoppedByMisconfiguration }

    public init() {}
}
