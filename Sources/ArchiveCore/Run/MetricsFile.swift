import Foundation
import FuseAPI

/// The figures of the last archive run (and of `report anomalies`) in Prometheus text format, for
/// node_exporter's textfile collector. Written to a temporary file and
/// renamed, so the collector never reads half a file.
public enum MetricsFile {
    public static func write(
        to path: String, counts: RunCounts, exitCode: Int32, seconds: Double, finishedAt: Int64, lastSuccessAt: Int64?, outage: APIOutage? = nil
    ) throws {
        var lines: [String] = []
        func metric(_ name: String, _ help: String, _ value: String) {
            lines.append("# HELP callhist_\(name) \(help)")
            lines.append("# TYPE callhist_\(name) gauge")
            lines.append("callhist_\(name) \(value)")
        }
        metric(
            "archive_considered_ids", "Ids the last archive run looked at: fetched + not found + forbidden + failed + left over + skipped.",
            String(counts.considered))
        lines += [
            "# HELP callhist_archive_skipped_ids Ids the last archive run considered and did not fetch, by reason.",
            "# TYPE callhist_archive_skipped_ids gauge",
            "callhist_archive_skipped_ids{reason=\"final\"} \(counts.skippedFinal)",
            "callhist_archive_skipped_ids{reason=\"waiting\"} \(counts.skippedWaiting)",
            "callhist_archive_skipped_ids{reason=\"stale\"} \(counts.skippedStale)",
        ]
        metric("archive_requested_ids", "Ids the last archive run set out to fetch.", String(counts.requested))
        metric("archive_fetched_ids", "Ids of the last run that returned a call status.", String(counts.fetched))
        metric("archive_changed_ids", "Calls new or changed in the last run.", String(counts.changed))
        metric("archive_not_found_ids", "Ids answered 404 in the last run.", String(counts.notFound))
        metric("archive_forbidden_ids", "Ids answered 403 in the last run.", String(counts.forbidden))
        metric("archive_failed_ids", "Ids the last run could not fetch after retries.", String(counts.failed))
        metric("archive_left_over_ids", "Ids a budget left for the next run.", String(counts.leftOver))
        metric("archive_http_requests", "HTTP requests sent by the last run.", String(counts.httpRequests))
        metric("archive_run_seconds", "Length of the last archive run.", String(format: "%.3f", seconds))
        metric(
            "archive_api_outage", "1 when the last run gave up on an API that looked down (its circuit breaker), else 0.", outage == nil ? "0" : "1")
        metric(
            "archive_api_outage_failed_requests", "Failed requests in a row across different ids when the last run gave up; 0 when it did not.",
            String(outage?.failures ?? 0))
        metric("archive_exit_code", "Exit code of the last archive run.", String(exitCode))
        metric("archive_last_run_timestamp_seconds", "When the last archive run ended (unix time).", String(finishedAt))
        if let lastSuccessAt {
            metric("archive_last_success_timestamp_seconds", "When the last archive run that exited 0 ended (unix time).", String(lastSuccessAt))
        }
        let text = lines.joined(separator: "\n") + "\n"
        try AtomicRename.write(to: path) { try $0.write(text) }
    }

    /// `callhist_anomalies{kind, severity}` from `report anomalies`: every
    /// pair a kind can have, zeros included, so that an alert clears once
    /// the finding is gone. Its own file: the archive run rewrites its own.
    public static func write(to path: String, anomalies: AnomaliesReport, checkedAt now: Int64) throws {
        var lines = [
            "# HELP callhist_anomalies Findings of the last callhist report anomalies, by kind and severity.",
            "# TYPE callhist_anomalies gauge",
        ]
        for kind in Anomaly.Kind.allCases {
            for severity in kind.severities {
                lines.append("callhist_anomalies{kind=\"\(kind.rawValue)\",severity=\"\(severity.rawValue)\"} \(anomalies.count(kind, severity))")
            }
        }
        lines += [
            "# HELP callhist_anomalies_checked_timestamp_seconds When report anomalies last ran (unix time).",
            "# TYPE callhist_anomalies_checked_timestamp_seconds gauge",
            "callhist_anomalies_checked_timestamp_seconds \(now)",
        ]
        let text = lines.joined(separator: "\n") + "\n"
        try AtomicRename.write(to: path) { try $0.write(text) }
    }
}
