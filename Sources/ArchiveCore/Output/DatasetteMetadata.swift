import Foundation

/// `callhist export datasette-metadata`: Datasette's metadata.json for an
/// archive — a title, a description of every table, view and column (with
/// units), the report aggregates hidden, and canned queries for the
/// questions the reports answer (docs/datasette.md). The database is keyed
/// by the file's name without its extension, as Datasette names it.
public enum DatasetteMetadata {
    package struct Table: Sendable {
        package var name: String
        package var description: String
        package var columns: [(String, String)]
        /// Datasette units (Pint names) of the columns that have one.
        package var units: [String: String] = [:]
        package var hidden = false
    }

    package static let unix = "unix seconds, UTC"

    package static let tables: [Table] = archiveTables + [withLabels] + aggregates

    /// The tables and views people read.
    package static let archiveTables: [Table] = [
        Table(
            name: "calls", description: "One row per call id ever seen: the facts of its newest answer from Fuse, and callhist's bookkeeping.",
            columns: [
                ("call_id", "The call id, as given to callhist (primary key)."),
                (
                    "status",
                    "queued, dialing, connected, completed, canceled, failed, rejected, or another value the API sent; NULL until a first answer."
                ),
                ("phone_number", "The number dialled, without the quotes the API wraps it in."),
                ("attempts", "Attempts made."), ("max_attempts", "Attempts allowed."),
                ("queued_timestamp", "When the call was queued (\(unix)); reports bucket days by it."),
                ("start_timestamp", "When the call connected (\(unix))."), ("end_timestamp", "When the call ended (\(unix))."),
                ("last_attempt_timestamp", "When the last attempt was dialled (\(unix))."),
                ("reattempt_wait", "Wait between attempts (seconds)."), ("duration", "Talk time the API reported (seconds)."),
                ("success", "1 or 0 when the API sent it."),
                ("snapshot_id", "The call_snapshots row these facts come from."),
                ("is_final", "1 when the status is completed, canceled, failed or rejected: never fetched again."),
                ("is_stale", "1 for a call still open long after it was queued: no longer re-checked."),
                ("first_seen_at", "When callhist first saw the id (\(unix))."), ("first_seen_run", "The archive_runs row that first saw it."),
                ("last_fetched_at", "The last answer of any kind (\(unix))."), ("last_success_at", "The last answer with a body (\(unix))."),
                ("next_check_at", "The first run at or after this time re-checks the call (\(unix))."),
                ("unchanged_checks", "Consecutive checks that brought nothing new (drives the backoff)."),
                ("last_outcome", "ok, unchanged, older, not_found, forbidden, failed or malformed."),
                ("last_http_code", "The HTTP code of the last fetch."), ("last_error", "What went wrong at the last fetch, or the numbers refused."),
                ("event_duration", "Seconds from the first connected event to the first disconnected after it; used where duration is absent."),
                ("failed_checks", "Consecutive fetches that brought no body (404, 403, failure)."),
                ("event_disorder", "Position of the first event earlier than one before it; NULL when the events are in time order."),
            ], units: ["reattempt_wait": "s", "duration": "s", "event_duration": "s"]),
        Table(
            name: "call_labels",
            description: "Labels of calls (campaign, clinic…): an ids CSV's other columns, archive --label, imports, callhist label.",
            columns: [
                ("call_id", "The call."), ("name", "The label's name, lower_snake_case."),
                ("value", "Its value: one per name on a call, the latest sheet's."),
            ]),
        Table(
            name: "call_labels_merged",
            description: "Label values the version 7 upgrade merged away (one value per name since): kept, never lost.",
            columns: [
                ("call_id", "The call."), ("name", "The label's name."), ("value", "The value dropped."), ("kept", "The value the call kept."),
                ("merged_at", "When (\(unix))."),
            ]),
        Table(
            name: "call_events", description: "The events of each call's newest answer, in the API's order.",
            columns: [
                ("call_id", "The call."), ("seq", "0-based position in the API's list."),
                ("event", "queued, dialing, connected, disconnected, canceled…"),
                ("timestamp", "When it happened (\(unix))."),
            ]),
        Table(
            name: "call_snapshots", description: "Every distinct answer body received, byte for byte (json_extract works on JSON bodies).",
            columns: [
                ("snapshot_id", "Primary key."), ("call_id", "The call."), ("body_sha256", "SHA-256 of the body's bytes (unique per call)."),
                ("format", "json or xml."), ("body", "The body exactly as received."),
                ("first_seen_at", "When this body was first received (\(unix))."), ("last_seen_at", "When it was last received (\(unix))."),
                ("first_run_id", "The archive_runs row that first received it."), ("times_seen", "How many times it was received."),
            ]),
        Table(
            name: "status_changes", description: "Every status change callhist observed.",
            columns: [
                ("change_id", "Primary key."), ("call_id", "The call."), ("old_status", "NULL for the first status seen."),
                ("new_status", "The status after."),
                ("observed_at", "When callhist saw it (\(unix))."), ("run_id", "The archive_runs row."),
            ]),
        Table(
            name: "archive_runs", description: "One row per archive or import run, with its counts and exit code.",
            columns: [
                ("run_id", "Primary key."), ("kind", "archive or import."), ("started_at", "Start (\(unix))."),
                ("ended_at", "End (\(unix)); NULL while running or for a killed run."), ("requested", "Ids the run set out to fetch or import."),
                ("fetched", "Bodies received."), ("changed", "Calls new or changed."), ("unchanged", "Calls with nothing new."),
                ("not_found", "Ids answered 404."), ("forbidden", "Ids answered 403."), ("failed", "Ids without an answer after retries."),
                ("left_over", "Ids a budget left for the next run."), ("http_requests", "Requests sent."), ("exit_code", "The run's exit code."),
                ("message", "Why it ended as it did."), ("version", "The callhist that ran it."), ("host", "The machine it ran on."),
                ("skipped_final", "Ids considered and not fetched: final."), ("skipped_waiting", "Not fetched: not due yet."),
                ("skipped_stale", "Not fetched: stale."),
            ]),
        Table(
            name: "calls_view", description: "calls with ISO-8601 UTC times and yes/no flags.",
            columns: [
                ("call_id", "The call id."), ("status", "The call's status."), ("phone_number", "The number dialled."),
                ("attempts", "Attempts made."),
                ("max_attempts", "Attempts allowed."), ("queued_at", "Queued (ISO-8601 UTC)."), ("started_at", "Connected (ISO-8601 UTC)."),
                ("ended_at", "Ended (ISO-8601 UTC)."), ("duration", "Talk time (seconds)."), ("reattempt_wait", "Wait between attempts (seconds)."),
                ("final", "yes when the status is final."), ("stale", "yes when no longer re-checked."), ("first_seen", "First seen (ISO-8601 UTC)."),
                ("last_fetched", "Last answer (ISO-8601 UTC)."), ("next_check", "Next check (ISO-8601 UTC)."),
                ("last_outcome", "Outcome of the last fetch."),
                ("last_http_code", "HTTP code of the last fetch."), ("last_error", "What went wrong at the last fetch."),
            ], units: ["duration": "s", "reattempt_wait": "s"]),
        Table(
            name: "call_events_view", description: "Events with ISO-8601 UTC times, the seconds since the previous event, and the call's status.",
            columns: [
                ("call_id", "The call."), ("seq", "Position in the API's list."), ("event", "The event."), ("at", "When (ISO-8601 UTC)."),
                ("seconds_since_previous", "Seconds since the event before it."), ("call_status", "The call's status."),
                ("phone_number", "The number dialled."),
            ], units: ["seconds_since_previous": "s"]),
        Table(
            name: "status_changes_view", description: "Status changes with ISO-8601 UTC times.",
            columns: [
                ("call_id", "The call."), ("old_status", "Before."), ("new_status", "After."), ("observed_at", "When seen (ISO-8601 UTC)."),
                ("run_id", "The run."),
            ]),
        Table(
            name: "archive_runs_view", description: "Runs with ISO-8601 UTC times and their length.",
            columns: [
                ("run_id", "The run."), ("kind", "archive or import."), ("started", "Start (ISO-8601 UTC)."), ("ended", "End (ISO-8601 UTC)."),
                ("seconds", "Length of the run."), ("requested", "Ids set out to fetch."), ("fetched", "Bodies received."),
                ("changed", "Calls new or changed."),
                ("unchanged", "Calls with nothing new."), ("not_found", "404s."), ("forbidden", "403s."), ("failed", "Failures after retries."),
                ("left_over", "Left for the next run."), ("http_requests", "Requests sent."), ("exit_code", "Exit code."),
                ("message", "Why it ended so."),
                ("host", "The machine it ran on."), ("skipped_final", "Not fetched: final."), ("skipped_waiting", "Not fetched: not due yet."),
                ("skipped_stale", "Not fetched: stale."),
            ], units: ["seconds": "s"]),
    ]

    /// `calls_with_labels`: every column of `calls_view`, and its labels as one JSON object.
    package static var withLabels: Table {
        let calls = archiveTables.first { $0.name == "calls_view" }!
        return Table(
            name: "calls_with_labels",
            description: "Every call with its labels as one JSON object, {\"campaign\": \"spring\"} (a name with several values: an array).",
            columns: calls.columns + [("labels", "The call's labels as a JSON object; {} when it has none.")], units: calls.units)
    }

    /// The report aggregates and their recounts: callhist's own, hidden
    /// from Datasette's table list (still queryable).
    package static let aggregates: [Table] = {
        let meaning = [
            "quarter": "queued_timestamp / 900, or -1: no queued time.", "day": "queued_timestamp / 86400 (UTC day), or -1: no queued time.",
            "status": "The calls' status.", "attempts": "Attempts made (x'' when unknown).", "max_attempts": "Attempts allowed (x'' when unknown).",
            "calls": "How many calls.", "duration_sum": "Sum of completed calls' known durations (seconds).",
            "duration_count": "How many completed calls have a known duration.", "duration": "An effective duration (seconds).",
            "effective": "A completed call's effective duration (seconds).", "sign": "+1 a call added to the bucket, -1 removed.",
        ]
        let quarters = ["quarter", "status", "calls", "duration_sum", "duration_count"]
        let attempts = ["day", "status", "attempts", "max_attempts", "calls"]
        let durations = ["day", "duration", "calls"]
        let quarterDurations = ["quarter", "duration", "calls"]
        return [
            ("call_quarters", "Calls by quarter hour of queued time and status (report aggregate).", quarters),
            ("call_attempts", "Final calls by UTC day, status, attempts and max_attempts (report aggregate).", attempts),
            ("call_durations", "Completed calls by UTC day and effective duration (report aggregate).", durations),
            ("call_quarter_durations", "Completed calls by quarter hour of queued time and effective duration (report aggregate).", quarterDurations),
            (
                "call_deltas", "Changes to the report aggregates not folded in yet.",
                ["quarter", "day", "status", "attempts", "max_attempts", "effective", "sign"]
            ),
        ].map { name, description, columns in
            Table(
                name: name, description: description, columns: columns.map { ($0, meaning[$0]!) },
                units: ["duration_sum": "s", "duration": "s", "effective": "s"].filter { columns.contains($0.key) }, hidden: true)
        }
    }()

    /// Canned queries for the questions the reports answer. They read the
    /// report aggregates (with the changes not folded in yet), as the
    /// reports do, so they answer at once on millions of calls. Days are
    /// UTC days here (`callhist report` uses the local zone unless --utc),
    /// and calls whose queued time is not a time callhist can place are left
    /// out of the day figures.
    package static let queries: [(name: String, title: String, description: String, sql: String)] = [
        (
            "completion_by_day", "Completion rate by day",
            "Calls queued per UTC day since a date (empty: all): final, completed, completion rate (completed ÷ final).",
            """
            SELECT date(quarter * 900, 'unixepoch') AS day, sum(n) AS calls, sum(CASE WHEN status IN \(ReportSQL.finalStatuses) THEN n ELSE 0 END) AS final,
                   sum(CASE WHEN status = 'completed' THEN n ELSE 0 END) AS completed,
                   round(1.0 * sum(CASE WHEN status = 'completed' THEN n ELSE 0 END)
                         / nullif(sum(CASE WHEN status IN \(ReportSQL.finalStatuses) THEN n ELSE 0 END), 0), 4) AS completion_rate
            FROM (SELECT quarter, status, calls AS n FROM call_quarters UNION ALL SELECT quarter, status, sign FROM call_deltas)
            WHERE quarter >= coalesce(CAST(strftime('%s', nullif(:since, '')) AS INTEGER) / 900, 0)
            GROUP BY day HAVING sum(n) > 0 ORDER BY day
            """
        ),
        (
            "status_mix", "Calls by status", "How many calls have each status.",
            """
            SELECT status, sum(n) AS calls
            FROM (SELECT status, calls AS n FROM call_quarters UNION ALL SELECT status, sign FROM call_deltas WHERE quarter IS NOT NULL)
            GROUP BY status HAVING sum(n) > 0 ORDER BY calls DESC
            """
        ),
        (
            "completion_by_attempts", "Completion by attempts used",
            "Final calls by attempts used: completed, completion rate, and those that used every attempt without completing.",
            """
            SELECT nullif(attempts, x'') AS attempts, sum(n) AS final, sum(CASE WHEN status = 'completed' THEN n ELSE 0 END) AS completed,
                   round(1.0 * sum(CASE WHEN status = 'completed' THEN n ELSE 0 END) / sum(n), 4) AS completion_rate,
                   sum(CASE WHEN status <> 'completed' AND typeof(attempts) = 'integer' AND typeof(max_attempts) = 'integer'
                            AND attempts >= max_attempts THEN n ELSE 0 END) AS exhausted
            FROM (SELECT status, attempts, max_attempts, calls AS n FROM call_attempts
                  UNION ALL SELECT status, ifnull(attempts, x''), ifnull(max_attempts, x''), sign FROM call_deltas
                  WHERE day IS NOT NULL AND status IN \(ReportSQL.finalStatuses))
            GROUP BY 1 HAVING sum(n) > 0 ORDER BY attempts IS NULL, attempts
            """
        ),
        (
            "durations", "Durations of completed calls", "Completed calls by duration range (the API's duration, else the one from the events).",
            """
            SELECT CASE WHEN d < 10 THEN '0–10 s' WHEN d < 30 THEN '10–30 s' WHEN d < 60 THEN '30 s–1 m' WHEN d < 120 THEN '1–2 m'
                        WHEN d < 300 THEN '2–5 m' WHEN d < 600 THEN '5–10 m' WHEN d < 1800 THEN '10–30 m' ELSE '30 m +' END AS duration,
                   CASE WHEN d < 10 THEN 0 WHEN d < 30 THEN 10 WHEN d < 60 THEN 30 WHEN d < 120 THEN 60
                        WHEN d < 300 THEN 120 WHEN d < 600 THEN 300 WHEN d < 1800 THEN 600 ELSE 1800 END AS from_seconds,
                   sum(n) AS calls
            FROM (SELECT duration AS d, calls AS n FROM call_durations
                  UNION ALL SELECT effective, sign FROM call_deltas WHERE day IS NOT NULL AND status = 'completed' AND effective IS NOT NULL)
            GROUP BY 1, 2 HAVING sum(n) > 0 ORDER BY from_seconds
            """
        ),
        (
            "completion_by_label", "Completion by label value",
            "For one label (campaign, clinic…; any case): calls, final, completed and completion rate per value, for calls queued from since to until (dates or times, UTC; empty: no bound), of one value only if value is given (any case).",
            """
            SELECT l.value, count(*) AS calls, sum(c.is_final) AS final, sum(c.status = 'completed') AS completed,
                   round(1.0 * sum(c.status = 'completed') / nullif(sum(c.is_final), 0), 4) AS completion_rate
            FROM call_labels l JOIN calls c ON c.call_id = l.call_id
            WHERE l.name = lower(trim(:name)) AND c.status IS NOT NULL
              AND (nullif(:value, '') IS NULL OR l.value = trim(:value) COLLATE NOCASE)
              AND (nullif(:since, '') IS NULL OR c.queued_timestamp >= CAST(strftime('%s', :since) AS INTEGER))
              AND (nullif(:until, '') IS NULL OR c.queued_timestamp < CAST(strftime('%s', :until) AS INTEGER))
            GROUP BY l.value ORDER BY l.value
            """
        ),
        (
            "pending_calls", "Pending calls, oldest first", "Calls not final yet, with how long they have been open (the first 1,000).",
            """
            SELECT call_id, status, datetime(coalesce(queued_timestamp, first_seen_at), 'unixepoch') AS queued_at,
                   round((strftime('%s', 'now') - coalesce(queued_timestamp, first_seen_at)) / 3600.0, 1) AS hours_open,
                   attempts, max_attempts, CASE WHEN is_stale THEN 'yes' ELSE 'no' END AS stale, last_outcome
            FROM calls WHERE is_final = 0 ORDER BY coalesce(queued_timestamp, first_seen_at) LIMIT 1000
            """
        ),
        (
            "recent_runs", "Recent archive runs", "The last 100 runs with their counts and exit codes (0 is a good night).",
            """
            SELECT * FROM archive_runs_view ORDER BY run_id DESC LIMIT 100
            """
        ),
        (
            "call_timeline", "One call's events", "Every event of a call, with the seconds since the previous one.",
            """
            SELECT seq, event, at, seconds_since_previous, call_status FROM call_events_view WHERE call_id = :call_id ORDER BY seq
            """
        ),
    ]

    /// The metadata for the archive at `path`, as JSON.
    public static func json(forArchive path: String) -> String {
        let database = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let tableObjects = JSONObject(
            tables.map { t in
                var pairs: [(String, Any)] = [("description", t.description), ("columns", JSONObject(t.columns.map { ($0.0, $0.1 as Any) }))]
                if !t.units.isEmpty { pairs.append(("units", t.units as Any)) }
                if t.hidden { pairs.append(("hidden", true)) }
                return (t.name, JSONObject(pairs) as Any)
            })
        let queryObjects = JSONObject(
            queries.map { q in
                (q.name, JSONObject([("title", q.title), ("description", q.description), ("sql", q.sql)]) as Any)
            })
        let metadata = JSONObject([
            ("title", "Call history"),
            (
                "description",
                "Outbound calls placed through Plum Voice Fuse, archived by callhist. Times are unix seconds (UTC) unless a view says ISO-8601; durations are seconds."
            ),
            (
                "databases",
                JSONObject([
                    (
                        database,
                        JSONObject([
                            ("description", "The callhist archive \(URL(fileURLWithPath: path).lastPathComponent)."),
                            ("tables", tableObjects), ("queries", queryObjects),
                        ]) as Any
                    )
                ])
            ),
        ])
        return JSONOutput.string(metadata) + "\n"
    }
}
