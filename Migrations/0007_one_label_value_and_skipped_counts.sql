-- Version 7 (docs/schema.md):
--
-- 1. A label name holds one value per call; a later ids file, import or
--    --label that sets the name replaces the value (a corrected sheet).
--    Where a call holds several values of one name today, the greatest is
--    kept (the archive never recorded which came last) and the others move
--    to call_labels_merged with the value kept: nothing is lost, and
--    `callhist migrate` says how many were merged.
-- 2. archive_runs counts the ids a run considered and did not fetch, by
--    reason, so a run row adds up: fetched + not_found + forbidden + failed
--    + left_over + skipped_* = the ids considered.
CREATE TABLE call_labels_merged (
    call_id   TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    value     TEXT    NOT NULL,  -- the value dropped
    kept      TEXT    NOT NULL,  -- the value the call kept
    merged_at INTEGER NOT NULL
);

INSERT INTO call_labels_merged (call_id, name, value, kept, merged_at)
SELECT l.call_id, l.name, l.value, k.kept, CAST(strftime('%s', 'now') AS INTEGER)
FROM call_labels l
JOIN (SELECT call_id, name, max(value) AS kept FROM call_labels GROUP BY call_id, name HAVING count(*) > 1) k
  ON k.call_id = l.call_id AND k.name = l.name
WHERE l.value <> k.kept;

DROP VIEW calls_with_labels;

CREATE TABLE call_labels_one (
    call_id TEXT NOT NULL,
    name    TEXT NOT NULL,  -- lower_snake_case
    value   TEXT NOT NULL,
    PRIMARY KEY (call_id, name)
) WITHOUT ROWID;

INSERT INTO call_labels_one (call_id, name, value)
SELECT call_id, name, max(value) FROM call_labels GROUP BY call_id, name;

DROP TABLE call_labels;
ALTER TABLE call_labels_one RENAME TO call_labels;
CREATE INDEX call_labels_name_value ON call_labels (name, value, call_id);

-- As version 5 wrote it: one JSON value per name now.
CREATE VIEW calls_with_labels AS
SELECT c.*,
       (SELECT json_group_object(g.name, json(g.v))
        FROM (SELECT l.name, CASE WHEN count(*) = 1 THEN json_quote(max(l.value)) ELSE json_group_array(l.value) END AS v
              FROM call_labels l WHERE l.call_id = c.call_id GROUP BY l.name) g) AS labels
FROM calls_view c;

ALTER TABLE archive_runs ADD COLUMN skipped_final INTEGER NOT NULL DEFAULT 0;    -- considered, not fetched: final
ALTER TABLE archive_runs ADD COLUMN skipped_waiting INTEGER NOT NULL DEFAULT 0;  -- not due yet
ALTER TABLE archive_runs ADD COLUMN skipped_stale INTEGER NOT NULL DEFAULT 0;    -- queued longer ago than --stale-after

DROP VIEW archive_runs_view;
CREATE VIEW archive_runs_view AS
SELECT run_id, kind,
       strftime('%Y-%m-%dT%H:%M:%SZ', started_at, 'unixepoch') AS started,
       strftime('%Y-%m-%dT%H:%M:%SZ', ended_at, 'unixepoch') AS ended,
       ended_at - started_at AS seconds,
       requested, fetched, changed, unchanged, not_found, forbidden, failed, left_over, http_requests,
       exit_code, message, host, skipped_final, skipped_waiting, skipped_stale
FROM archive_runs;
