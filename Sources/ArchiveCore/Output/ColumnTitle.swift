/// The heading a person reads for a column or metric key, in tables and
/// Markdown; CSV and JSON keep the keys (docs/reports.md, "Formats"). Each
/// key's title is written once, here, beside it; a key not listed reads as
/// itself in sentence case (`mean_duration` → "Mean duration").
package enum ColumnTitle {
    package static let titles: [String: String] = [
        // Report columns whose key reads badly as words.
        "completion_rate": "Completion rate", "first_attempt_completion_rate": "First-attempt completion",
        "duration_p50": "Median duration", "duration_p90": "p90 duration", "p90_duration": "p90 duration", "mean_duration": "Mean duration",
        "open_seconds": "Open for", "since_previous": "Since previous", "http_requests": "Requests", "left_over": "Left over",
        "not_found": "Not found", "run_id": "Run", "call_id": "Call", "seq": "#", "max_attempts": "Max attempts",
        "last_outcome": "Last outcome", "last_fetched_at": "Last fetched", "next_check_at": "Next check",
        "queued_timestamp": "Queued", "started_at": "Started", "ended_at": "Ended", "sha256": "SHA-256", "first_seen": "First seen",
        "last_seen": "Last seen", "times_seen": "Times seen",
        // report summary's metrics (the JSON paths of its CSV).
        "duration.count": "Completed calls with a duration", "duration.mean": "Mean duration", "duration.p50": "Median duration (p50)",
        "duration.p90": "Duration p90", "duration.p95": "Duration p95", "duration.max": "Longest duration",
        "attempts.mean": "Mean attempts", "attempts.first_attempt_completion_rate": "Completed at the first attempt",
        "attempts.exhausted": "Failed after every attempt",
        // report durations' statistics.
        "p50": "Median (p50)", "p90": "p90", "p95": "p95", "p99": "p99", "max": "Longest", "unknown": "Unknown duration",
    ]

    package static func of(_ key: String) -> String {
        if let title = titles[key] { return title }
        guard let first = key.first else { return key }
        return String(first).uppercased() + key.dropFirst().replacingOccurrences(of: "_", with: " ")
    }
}
