-- Version 7, as Migrations/0007_one_label_value_and_skipped_counts.sql does
-- it for SQLite (docs/schema.md): one value per label name on a call (the
-- others kept in call_labels_merged), and the ids a run skipped, by reason.
CREATE TABLE call_labels_merged (
    call_id   text COLLATE "C" NOT NULL,
    name      text COLLATE "C" NOT NULL,
    value     text COLLATE "C" NOT NULL,
    kept      text COLLATE "C" NOT NULL,
    merged_at bigint NOT NULL
);

INSERT INTO call_labels_merged (call_id, name, value, kept, merged_at)
SELECT l.call_id, l.name, l.value, k.kept, extract(epoch FROM now())::bigint
FROM call_labels l
JOIN (SELECT call_id, name, max(value) AS kept FROM call_labels GROUP BY call_id, name HAVING count(*) > 1) k
  ON k.call_id = l.call_id AND k.name = l.name
WHERE l.value <> k.kept;

DELETE FROM call_labels l USING call_labels_merged m
WHERE m.call_id = l.call_id AND m.name = l.name AND m.value = l.value;

ALTER TABLE call_labels DROP CONSTRAINT call_labels_pkey;
ALTER TABLE call_labels ADD PRIMARY KEY (call_id, name);

ALTER TABLE archive_runs
    ADD COLUMN skipped_final bigint NOT NULL DEFAULT 0,
    ADD COLUMN skipped_waiting bigint NOT NULL DEFAULT 0,
    ADD COLUMN skipped_stale bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE VIEW archive_runs_view AS
SELECT run_id, kind, callhist_iso(started_at) AS started, callhist_iso(ended_at) AS ended,
       ended_at - started_at AS seconds,
       requested, fetched, changed, unchanged, not_found, forbidden, failed, left_over, http_requests,
       exit_code, message, host, skipped_final, skipped_waiting, skipped_stale
FROM archive_runs;
