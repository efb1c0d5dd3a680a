import Curl
import Foundation

/// Exponential backoff with full jitter, and `Retry-After` taken at its word
/// (within a cap).
public struct RetryPolicy: Sendable {
    /// Retries after the first attempt (so `retries + 1` requests at most).
    public var retries: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// The longest one id may wait on `Retry-After` in a run, all its
    /// retries together: an id the API asks to wait longer is left for the
    /// next run (docs/reliability.md, "Retry-After").
    public var maxRetryAfter: Duration
    /// The longest a run waits on `Retry-After`, every id's waits added up:
    /// past it, an id asked to wait is left for the next run.
    public var maxRetryAfterPerRun: Duration = .seconds(1800)

    public init(
        retries: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30), maxRetryAfter: Duration = .seconds(300)
    ) {
        self.retries = retries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait before retry number `retry` (1-based): `Retry-After` when
    /// the server sent one (capped; `FetchRun` leaves the id for the next run
    /// before it waits past its caps), else full jitter — a uniform draw from
    /// `random` between 0 and the exponential ceiling.
    func delay(beforeRetry retry: Int, retryAfter: Duration?, random: (ClosedRange<Int64>) -> Int64) -> Duration {
        if let retryAfter { return min(retryAfter, maxRetryAfter) }
        let ceiling = min(maxDelay, baseDelay * (1 << min(max(retry, 1) - 1, 20)))
        return .milliseconds(random(0...max(0, ceiling.wholeMilliseconds)))
    }

    /// `Retry-After` as seconds or as an HTTP date; nil when absent or unreadable.
    static func parseRetryAfter(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int64(value) { return .seconds(max(0, seconds)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: value) {
                return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
            }
        }
        return nil
    }
}
