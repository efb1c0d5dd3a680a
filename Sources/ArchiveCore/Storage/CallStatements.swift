/// The statements `CallRows` runs for every call of a run, written once for
/// both backends with numbered parameters (`?1`, `?2`, …; SQLite's own
/// spelling, `SQLDialect.render` gives PostgreSQL its `$n`). Each backend
/// prepares them once per run; what differs (the snapshot's `body_json`,
/// events in one statement on PostgreSQL) stays in the backend's rows.
package enum CallStatements {
    /// Parameters: id, first seen at, first seen by run.
    package static let remember =
        "INSERT INTO calls (call_id, first_seen_at, first_seen_run) VALUES (?1, ?2, ?3) ON CONFLICT (call_id) DO NOTHING"

    /// Parameters: id.
    package static let current = "SELECT snapshot_id, status, unchanged_checks FROM calls WHERE call_id = ?1"

    /// The number of the first parameter after the id and the derived columns (`DerivedRow.values`).
    private static let n = DerivedRow.names.count + 1

    /// Parameters: `DerivedRow.values`, refusal, now, run. (PostgreSQL adds
    /// its `ON CONFLICT` for a call remembered before its first answer.)
    package static let insertCall = """
        INSERT INTO calls (call_id, \(DerivedRow.names.joined(separator: ", ")), last_error, first_seen_at, first_seen_run, last_fetched_at,
                           last_success_at, next_check_at, last_outcome, last_http_code)
        VALUES (?1, \((2...n).map { "?\($0)" }.joined(separator: ", ")), ?\(n + 1), ?\(n + 2), ?\(n + 3), ?\(n + 2), ?\(n + 2), ?\(n + 2), 'ok', 200)
        """

    /// `status = ?2, phone_number = ?3, …`: the derived columns from `DerivedRow.values`.
    private static let assignments = DerivedRow.names.enumerated().map { "\($1) = ?\($0 + 2)" }.joined(separator: ", ")

    /// Parameters: `DerivedRow.values`, refusal, now, unchanged checks, next check, outcome.
    package static let derive = """
        UPDATE calls SET \(assignments), last_error = ?\(n + 1),
            last_fetched_at = ?\(n + 2), last_success_at = ?\(n + 2), unchanged_checks = ?\(n + 3), next_check_at = ?\(n + 4),
            is_stale = 0, last_outcome = ?\(n + 5), last_http_code = 200, failed_checks = 0
        WHERE call_id = ?1
        """

    /// The derived columns alone (`rebuild`). Parameters: `DerivedRow.values`.
    package static let rederive = "UPDATE calls SET \(assignments) WHERE call_id = ?1"

    /// Parameters: id, now, unchanged checks, next check, outcome, error.
    package static let quiet = """
        UPDATE calls SET last_fetched_at = ?2, last_success_at = ?2, unchanged_checks = ?3, next_check_at = ?4,
            is_stale = 0, last_outcome = ?5, last_http_code = 200, last_error = ?6, failed_checks = 0
        WHERE call_id = ?1
        """

    /// Parameters: id, now, outcome, HTTP status, message, next check, problems in a row.
    package static let problem = """
        UPDATE calls SET last_fetched_at = ?2, last_outcome = ?3, last_http_code = ?4, last_error = ?5,
            next_check_at = ?6, unchanged_checks = ?7, failed_checks = failed_checks + 1
        WHERE call_id = ?1
        """

    /// Parameters: id.
    package static let problems = "SELECT unchanged_checks FROM calls WHERE call_id = ?1"

    /// Parameters: id, old status, new status, observed at, run.
    package static let statusChange =
        "INSERT INTO status_changes (call_id, old_status, new_status, observed_at, run_id) VALUES (?1, ?2, ?3, ?4, ?5)"

    /// Parameters: id, the first position to remove.
    package static let trimEvents = "DELETE FROM call_events WHERE call_id = ?1 AND seq >= ?2"

    /// A first answer written in bulk (a batch's calls that had no body,
    /// held back by the backend's rows): the id, the derived columns, then
    /// the bookkeeping an insert gives (`insertCall`, `derive`).
    package static let firstAnswerColumns =
        ["call_id"] + DerivedRow.names + [
            "last_error", "first_seen_at", "first_seen_run", "last_fetched_at", "last_success_at", "next_check_at", "unchanged_checks",
            "last_outcome", "last_http_code",
        ]

    /// What a first answer sets on a calls row that exists (an id
    /// remembered before its first answer): the same as `derive` gives; the
    /// first sighting stays as remembered.
    package static let firstAnswerUpsert = """
        ON CONFLICT (call_id) DO UPDATE SET \(DerivedRow.names.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")),
            last_error = excluded.last_error, last_fetched_at = excluded.last_fetched_at, last_success_at = excluded.last_success_at,
            next_check_at = excluded.next_check_at, unchanged_checks = excluded.unchanged_checks, last_outcome = excluded.last_outcome,
            last_http_code = excluded.last_http_code, failed_checks = 0, is_stale = 0
        """
}
