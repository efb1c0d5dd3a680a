-- Version 6: each run names the machine it ran on (several hosts may archive
-- into one PostgreSQL database; the SQLite file records it too, so a copy
-- between the two keeps it). The view gains the column at its end.
ALTER TABLE archive_runs ADD COLUMN host TEXT;

DROP VIEW archive_runs_view;
CREATE VIEW archive_runs_view AS
SELECT run_id, kind,
       strftime('%Y-%m-%dT%H:%M:%SZ', started_at, 'unixepoch') AS started,
       strftime('%Y-%m-%dT%H:%M:%SZ', ended_at, 'unixepoch') AS ended,
       ended_at - started_at AS seconds,
       requested, fetched, changed, unchanged, not_found, forbidden, failed, left_over, http_requests,
       exit_code, message, host
FROM archive_runs;
