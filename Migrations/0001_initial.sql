-- callhist archive schema, version 1. See docs/schema.md for every column.
-- Times are unix seconds (UTC); durations and waits are seconds.
-- No STRICT tables (older readers cannot open them); upserts use ON CONFLICT.

CREATE TABLE archive_runs (
    run_id        INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('archive', 'import')),
    started_at    INTEGER NOT NULL,
    ended_at      INTEGER,
    requested     INTEGER NOT NULL DEFAULT 0,  -- ids this run set out to fetch or import
    fetched       INTEGER NOT NULL DEFAULT 0,  -- successful bodies received
    changed       INTEGER NOT NULL DEFAULT 0,  -- of those, calls new or different from before
    unchanged     INTEGER NOT NULL DEFAULT 0,
    not_found     INTEGER NOT NULL DEFAULT 0,  -- 404
    forbidden     INTEGER NOT NULL DEFAULT 0,  -- 403
    failed        INTEGER NOT NULL DEFAULT 0,  -- no definite answer after retries, or malformed
    left_over     INTEGER NOT NULL DEFAULT 0,  -- not reached because a budget ended the run
    http_requests INTEGER NOT NULL DEFAULT 0,
    exit_code     INTEGER,                     -- NULL while running or when killed
    message       TEXT,
    version       TEXT
);

CREATE TABLE calls (
    call_id                TEXT PRIMARY KEY NOT NULL,
    -- Derived from the newest snapshot (NULL until the first successful fetch).
    status                 TEXT,
    phone_number           TEXT,
    attempts               INTEGER,
    max_attempts           INTEGER,
    queued_timestamp       INTEGER,
    start_timestamp        INTEGER,
    end_timestamp          INTEGER,
    last_attempt_timestamp INTEGER,
    reattempt_wait         INTEGER,
    duration               INTEGER,
    success                INTEGER,
    snapshot_id            INTEGER REFERENCES call_snapshots (snapshot_id) DEFERRABLE INITIALLY DEFERRED,
    -- Bookkeeping.
    is_final               INTEGER NOT NULL DEFAULT 0,
    is_stale               INTEGER NOT NULL DEFAULT 0,
    first_seen_at          INTEGER NOT NULL,
    first_seen_run         INTEGER REFERENCES archive_runs (run_id),
    last_fetched_at        INTEGER,                    -- last time any answer was received or given up on
    last_success_at        INTEGER,
    next_check_at          INTEGER NOT NULL DEFAULT 0, -- due when <= now
    unchanged_checks       INTEGER NOT NULL DEFAULT 0, -- consecutive checks without news, drives the backoff
    last_outcome           TEXT,                       -- ok, unchanged, not_found, forbidden, failed
    last_http_code         INTEGER,
    last_error             TEXT
);

CREATE TABLE call_snapshots (
    snapshot_id   INTEGER PRIMARY KEY,
    -- Deferred: a call's first snapshot and its row are written in one transaction, in either order.
    call_id       TEXT    NOT NULL REFERENCES calls (call_id) DEFERRABLE INITIALLY DEFERRED,
    body_sha256   TEXT    NOT NULL,
    format        TEXT    NOT NULL CHECK (format IN ('json', 'xml')),
    body          TEXT    NOT NULL,   -- verbatim; json_extract works on JSON bodies
    first_seen_at INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    first_run_id  INTEGER REFERENCES archive_runs (run_id),
    times_seen    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (call_id, body_sha256)
);

CREATE TABLE call_events (
    call_id   TEXT    NOT NULL REFERENCES calls (call_id),
    seq       INTEGER NOT NULL,  -- 0-based position in the API's list
    event     TEXT    NOT NULL,
    timestamp INTEGER,
    PRIMARY KEY (call_id, seq)
) WITHOUT ROWID;

CREATE TABLE status_changes (
    change_id   INTEGER PRIMARY KEY,
    call_id     TEXT    NOT NULL REFERENCES calls (call_id),
    old_status  TEXT,             -- NULL for the first status seen
    new_status  TEXT    NOT NULL,
    observed_at INTEGER NOT NULL,
    run_id      INTEGER REFERENCES archive_runs (run_id)
);

CREATE INDEX calls_queued ON calls (queued_timestamp);
CREATE INDEX calls_status ON calls (status, queued_timestamp);
CREATE INDEX calls_due ON calls (is_final, is_stale, next_check_at);
CREATE INDEX calls_snapshot ON calls (snapshot_id);
CREATE INDEX calls_first_seen_run ON calls (first_seen_run);
CREATE INDEX snapshots_run ON call_snapshots (first_run_id);
CREATE INDEX status_changes_call ON status_changes (call_id, change_id);
CREATE INDEX status_changes_run ON status_changes (run_id);

-- Views for people opening the file in other tools: ISO-8601 UTC times.
CREATE VIEW calls_view AS
SELECT call_id, status, phone_number, attempts, max_attempts,
       strftime('%Y-%m-%dT%H:%M:%SZ', queued_timestamp, 'unixepoch') AS queued_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', start_timestamp, 'unixepoch') AS started_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', end_timestamp, 'unixepoch') AS ended_at,
       duration, reattempt_wait,
       CASE WHEN is_final THEN 'yes' ELSE 'no' END AS final,
       CASE WHEN is_stale THEN 'yes' ELSE 'no' END AS stale,
       strftime('%Y-%m-%dT%H:%M:%SZ', first_seen_at, 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', last_fetched_at, 'unixepoch') AS last_fetched,
       strftime('%Y-%m-%dT%H:%M:%SZ', next_check_at, 'unixepoch') AS next_check,
       last_outcome, last_http_code, last_error
FROM calls;

CREATE VIEW call_events_view AS
SELECT e.call_id, e.seq, e.event,
       strftime('%Y-%m-%dT%H:%M:%SZ', e.timestamp, 'unixepoch') AS at,
       e.timestamp - lag(e.timestamp) OVER (PARTITION BY e.call_id ORDER BY e.seq) AS seconds_since_previous,
       c.status AS call_status, c.phone_number
FROM call_events e JOIN calls c USING (call_id);

CREATE VIEW status_changes_view AS
SELECT s.call_id, s.old_status, s.new_status,
       strftime('%Y-%m-%dT%H:%M:%SZ', s.observed_at, 'unixepoch') AS observed_at, s.run_id
FROM status_changes s;

CREATE VIEW archive_runs_view AS
SELECT run_id, kind,
       strftime('%Y-%m-%dT%H:%M:%SZ', started_at, 'unixepoch') AS started,
       strftime('%Y-%m-%dT%H:%M:%SZ', ended_at, 'unixepoch') AS ended,
       ended_at - started_at AS seconds,
       requested, fetched, changed, unchanged, not_found, forbidden, failed, left_over, http_requests,
       exit_code, message
FROM archive_runs;
