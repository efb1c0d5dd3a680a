-- Reports at scale (docs/reports.md, "Speed"): aggregates that triggers keep
-- true on every write to `calls` (callhist's own and any other tool's, through
-- `call_deltas` below), so a report costs what its period and answer cost,
-- not what the archive holds.
--
-- A call counts where it has a status. Its bucket is its queued time: the
-- quarter hour (unix time / 900; every UTC offset in use is a multiple of 15
-- minutes, so local hours and days are whole quarters) or the UTC day (unix
-- time / 86400) when that time is a number in [0, 253402300800), 1970–9999; -1 when it has
-- no queued time. Calls with any other queued value are in no bucket: the
-- reports read them from `calls` (they sort outside every bucket's range).
--
-- Three tables, each as coarse as its question allows, so that a year of
-- calls is a few hundred thousand rows at most whatever their number:
--   call_quarters   calls and completed durations by quarter and status (the daily report, status counts);
--   call_attempts   final calls by UTC day, status, attempts and max_attempts (the attempts figures);
--   call_durations  completed calls by UTC day and effective duration (exact nearest-rank percentiles).

CREATE TABLE call_quarters (
    quarter        INTEGER NOT NULL,  -- queued_timestamp / 900, or -1: no queued time
    status         TEXT    NOT NULL,
    calls          INTEGER NOT NULL,
    -- Completed calls' effective duration (coalesce(duration, event_duration)):
    -- its sum (REAL, like total(): never overflows) and how many are known.
    duration_sum   REAL    NOT NULL,
    duration_count INTEGER NOT NULL,
    PRIMARY KEY (quarter, status)
) WITHOUT ROWID;

CREATE TABLE call_attempts (
    day          INTEGER NOT NULL,  -- queued_timestamp / 86400, or -1: no queued time
    status       TEXT    NOT NULL,  -- final statuses only
    -- attempts and max_attempts as in calls, a missing one stored as x''
    -- (an empty blob: no number equals it), so that the key has no NULL.
    attempts     NOT NULL,
    max_attempts NOT NULL,
    calls        INTEGER NOT NULL,
    PRIMARY KEY (day, status, attempts, max_attempts)
) WITHOUT ROWID;

CREATE TABLE call_durations (
    day      INTEGER NOT NULL,  -- queued_timestamp / 86400, or -1: no queued time
    duration NOT NULL,          -- the effective duration of completed calls, as stored
    calls    INTEGER NOT NULL,
    PRIMARY KEY (day, duration)
) WITHOUT ROWID;

-- What the aggregates must hold, recounted from `calls`: the migration and
-- `rebuild` fill them from these views, and `doctor` compares.
CREATE VIEW call_quarters_recount AS
SELECT q.quarter, q.status, count(*) AS calls, total(q.effective) AS duration_sum, count(q.effective) AS duration_count
FROM (SELECT CASE WHEN c.queued_timestamp IS NULL THEN -1
                      WHEN typeof(c.queued_timestamp) IN ('integer', 'real') AND c.queued_timestamp >= 0 AND c.queued_timestamp < 253402300800
                      THEN CAST(c.queued_timestamp AS INTEGER) / 900 END AS quarter, c.status, CASE WHEN c.status = 'completed' THEN coalesce(c.duration, c.event_duration) END AS effective
      FROM calls c WHERE c.status IS NOT NULL) q
WHERE q.quarter IS NOT NULL
GROUP BY q.quarter, q.status;

CREATE VIEW call_attempts_recount AS
SELECT a.day, a.status, ifnull(a.attempts, x'') AS attempts, ifnull(a.max_attempts, x'') AS max_attempts, count(*) AS calls
FROM (SELECT CASE WHEN c.queued_timestamp IS NULL THEN -1
                      WHEN typeof(c.queued_timestamp) IN ('integer', 'real') AND c.queued_timestamp >= 0 AND c.queued_timestamp < 253402300800
                      THEN CAST(c.queued_timestamp AS INTEGER) / 86400 END AS day, c.status, c.attempts, c.max_attempts
      FROM calls c WHERE c.status IN ('canceled', 'completed', 'failed', 'rejected')) a
WHERE a.day IS NOT NULL
GROUP BY a.day, a.status, a.attempts, a.max_attempts;

CREATE VIEW call_durations_recount AS
SELECT d.day, d.duration, count(*) AS calls
FROM (SELECT CASE WHEN c.queued_timestamp IS NULL THEN -1
                      WHEN typeof(c.queued_timestamp) IN ('integer', 'real') AND c.queued_timestamp >= 0 AND c.queued_timestamp < 253402300800
                      THEN CAST(c.queued_timestamp AS INTEGER) / 86400 END AS day, coalesce(c.duration, c.event_duration) AS duration
      FROM calls c WHERE c.status = 'completed') d
WHERE d.day IS NOT NULL AND d.duration IS NOT NULL
GROUP BY d.day, d.duration;

INSERT INTO call_quarters SELECT * FROM call_quarters_recount;
INSERT INTO call_attempts SELECT * FROM call_attempts_recount;
INSERT INTO call_durations SELECT * FROM call_durations_recount;

-- The triggers write each change of a call's contribution to `call_deltas`
-- (its old bucket -1, its new bucket +1), in the statement that changes the
-- call: one cheap append per write, by callhist or any other tool. callhist
-- folds the deltas into the three tables before every commit (and rebuild
-- recomputes them); reports add the deltas not yet folded, so they are exact
-- whoever wrote the calls.
CREATE TABLE call_deltas (
    quarter      INTEGER NOT NULL,
    day          INTEGER NOT NULL,
    status       TEXT    NOT NULL,
    attempts,
    max_attempts,
    effective,                     -- the completed call's effective duration, else NULL
    sign         INTEGER NOT NULL  -- +1 joins the bucket, -1 leaves it
);

CREATE TRIGGER calls_aggregates_insert AFTER INSERT ON calls WHEN new.status IS NOT NULL
BEGIN
    INSERT INTO call_deltas (quarter, day, status, attempts, max_attempts, effective, sign)
    SELECT (CASE WHEN new.queued_timestamp IS NULL THEN -1 WHEN typeof(new.queued_timestamp) IN ('integer', 'real') AND new.queued_timestamp >= 0 AND new.queued_timestamp < 253402300800 THEN CAST(new.queued_timestamp AS INTEGER) / 900 END), (CASE WHEN new.queued_timestamp IS NULL THEN -1 WHEN typeof(new.queued_timestamp) IN ('integer', 'real') AND new.queued_timestamp >= 0 AND new.queued_timestamp < 253402300800 THEN CAST(new.queued_timestamp AS INTEGER) / 86400 END), new.status, new.attempts, new.max_attempts, (CASE WHEN new.status = 'completed' THEN coalesce(new.duration, new.event_duration) END), 1
    WHERE new.status IS NOT NULL AND (CASE WHEN new.queued_timestamp IS NULL THEN -1 WHEN typeof(new.queued_timestamp) IN ('integer', 'real') AND new.queued_timestamp >= 0 AND new.queued_timestamp < 253402300800 THEN CAST(new.queued_timestamp AS INTEGER) / 900 END) IS NOT NULL;
END;

CREATE TRIGGER calls_aggregates_delete AFTER DELETE ON calls WHEN old.status IS NOT NULL
BEGIN
    INSERT INTO call_deltas (quarter, day, status, attempts, max_attempts, effective, sign)
    SELECT (CASE WHEN old.queued_timestamp IS NULL THEN -1 WHEN typeof(old.queued_timestamp) IN ('integer', 'real') AND old.queued_timestamp >= 0 AND old.queued_timestamp < 253402300800 THEN CAST(old.queued_timestamp AS INTEGER) / 900 END), (CASE WHEN old.queued_timestamp IS NULL THEN -1 WHEN typeof(old.queued_timestamp) IN ('integer', 'real') AND old.queued_timestamp >= 0 AND old.queued_timestamp < 253402300800 THEN CAST(old.queued_timestamp AS INTEGER) / 86400 END), old.status, old.attempts, old.max_attempts, (CASE WHEN old.status = 'completed' THEN coalesce(old.duration, old.event_duration) END), -1
    WHERE old.status IS NOT NULL AND (CASE WHEN old.queued_timestamp IS NULL THEN -1 WHEN typeof(old.queued_timestamp) IN ('integer', 'real') AND old.queued_timestamp >= 0 AND old.queued_timestamp < 253402300800 THEN CAST(old.queued_timestamp AS INTEGER) / 900 END) IS NOT NULL;
END;

-- Only when a column the aggregates read changed.
CREATE TRIGGER calls_aggregates_update AFTER UPDATE OF status, attempts, max_attempts, queued_timestamp, duration, event_duration ON calls
WHEN old.status IS NOT new.status OR old.attempts IS NOT new.attempts OR old.max_attempts IS NOT new.max_attempts
  OR old.queued_timestamp IS NOT new.queued_timestamp OR old.duration IS NOT new.duration OR old.event_duration IS NOT new.event_duration
BEGIN
    INSERT INTO call_deltas (quarter, day, status, attempts, max_attempts, effective, sign)
    SELECT (CASE WHEN old.queued_timestamp IS NULL THEN -1 WHEN typeof(old.queued_timestamp) IN ('integer', 'real') AND old.queued_timestamp >= 0 AND old.queued_timestamp < 253402300800 THEN CAST(old.queued_timestamp AS INTEGER) / 900 END), (CASE WHEN old.queued_timestamp IS NULL THEN -1 WHEN typeof(old.queued_timestamp) IN ('integer', 'real') AND old.queued_timestamp >= 0 AND old.queued_timestamp < 253402300800 THEN CAST(old.queued_timestamp AS INTEGER) / 86400 END), old.status, old.attempts, old.max_attempts, (CASE WHEN old.status = 'completed' THEN coalesce(old.duration, old.event_duration) END), -1
    WHERE old.status IS NOT NULL AND (CASE WHEN old.queued_timestamp IS NULL THEN -1 WHEN typeof(old.queued_timestamp) IN ('integer', 'real') AND old.queued_timestamp >= 0 AND old.queued_timestamp < 253402300800 THEN CAST(old.queued_timestamp AS INTEGER) / 900 END) IS NOT NULL;
    INSERT INTO call_deltas (quarter, day, status, attempts, max_attempts, effective, sign)
    SELECT (CASE WHEN new.queued_timestamp IS NULL THEN -1 WHEN typeof(new.queued_timestamp) IN ('integer', 'real') AND new.queued_timestamp >= 0 AND new.queued_timestamp < 253402300800 THEN CAST(new.queued_timestamp AS INTEGER) / 900 END), (CASE WHEN new.queued_timestamp IS NULL THEN -1 WHEN typeof(new.queued_timestamp) IN ('integer', 'real') AND new.queued_timestamp >= 0 AND new.queued_timestamp < 253402300800 THEN CAST(new.queued_timestamp AS INTEGER) / 86400 END), new.status, new.attempts, new.max_attempts, (CASE WHEN new.status = 'completed' THEN coalesce(new.duration, new.event_duration) END), 1
    WHERE new.status IS NOT NULL AND (CASE WHEN new.queued_timestamp IS NULL THEN -1 WHEN typeof(new.queued_timestamp) IN ('integer', 'real') AND new.queued_timestamp >= 0 AND new.queued_timestamp < 253402300800 THEN CAST(new.queued_timestamp AS INTEGER) / 900 END) IS NOT NULL;
END;

-- `report pending`: the open calls in the order it shows them (a period is
-- a range of its first column), counted from the index alone.
CREATE INDEX calls_open ON calls (coalesce(queued_timestamp, first_seen_at), call_id, queued_timestamp, status, is_stale) WHERE is_final = 0;

-- The aggregates answer the attempts and durations reports now: these two
-- indexes of migration 0002 only cost writes (and 10% of the file).
DROP INDEX calls_attempts;
DROP INDEX calls_effective_duration;
