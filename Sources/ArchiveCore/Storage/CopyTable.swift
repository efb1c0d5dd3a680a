/// A table `copy` moves: its columns (shared by both schemas) and which
/// are integers and which the verbatim body.
package struct CopyTable {
    package let name: String
    package let columns: [String]
    package let integers: Set<String>
    package var bytes: String? = nil
    /// The column that ties a row to its call, for the chunk's range.
    package var callColumn = "call_id"
    package var order: String

    package static let runs = CopyTable(
        name: "archive_runs",
        columns: [
            "run_id", "kind", "started_at", "ended_at", "requested", "fetched", "changed", "unchanged",
            "not_found", "forbidden", "failed", "left_over", "http_requests", "exit_code", "message",
            "version", "host", "skipped_final", "skipped_waiting", "skipped_stale",
        ],
        integers: [
            "run_id", "started_at", "ended_at", "requested", "fetched", "changed", "unchanged", "not_found", "forbidden",
            "failed", "left_over", "http_requests", "exit_code", "skipped_final", "skipped_waiting", "skipped_stale",
        ], order: "run_id")
    /// The derived columns (`DerivedRow`), then the bookkeeping.
    package static let calls: CopyTable = {
        let columns =
            ["call_id"] + DerivedRow.names + [
                "is_stale", "first_seen_at", "first_seen_run", "last_fetched_at", "last_success_at",
                "next_check_at", "unchanged_checks", "last_outcome", "last_http_code", "last_error",
                "failed_checks",
            ]
        let text: Set = ["call_id", "status", "phone_number", "last_outcome", "last_error"]
        return CopyTable(name: "calls", columns: columns, integers: Set(columns).subtracting(text), order: "call_id")
    }()
    package static let snapshots = CopyTable(
        name: "call_snapshots",
        columns: [
            "snapshot_id", "call_id", "body_sha256", "format", "body", "first_seen_at",
            "last_seen_at", "first_run_id", "times_seen",
        ],
        integers: ["snapshot_id", "first_seen_at", "last_seen_at", "first_run_id", "times_seen"], bytes: "body",
        order: "call_id, snapshot_id")
    package static let events = CopyTable(
        name: "call_events", columns: ["call_id", "seq", "event", "timestamp"], integers: ["seq", "timestamp"],
        order: "call_id, seq")
    package static let statusChanges = CopyTable(
        name: "status_changes", columns: ["change_id", "call_id", "old_status", "new_status", "observed_at", "run_id"],
        integers: ["change_id", "observed_at", "run_id"], order: "call_id, change_id")
    package static let labels = CopyTable(name: "call_labels", columns: ["call_id", "name", "value"], integers: [], order: "call_id, name")
    package static let all = [runs, calls, snapshots, events, statusChanges, labels]
}
