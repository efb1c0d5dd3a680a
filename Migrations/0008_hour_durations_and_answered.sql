-- Version 8 (docs/schema.md): what `report hours` and `report compare`
-- need to answer at once on millions of calls (docs/reports.md, "Hours").
--
-- 1. call_hour_durations: completed calls by UTC hour of queued time
--    (unix time / 3600) and effective duration, for the median duration of
--    each local hour of day. Local hours are whole UTC hours in every zone
--    whose offset is a whole number of hours; `report hours` reads calls
--    directly for the others. Kept like the aggregates of migration 0003:
--    folded from `call_deltas` (hour = quarter / 4) before every commit,
--    recomputed by `rebuild`, compared with its recount by `doctor`.
-- 2. calls_answered: the final calls that were answered but did not
--    complete (a `connected` event followed by a `disconnected`, so
--    `event_duration` is known) — few, and read by range. Every completed
--    call counts as answered, from the aggregates.
CREATE TABLE call_hour_durations (
    hour     INTEGER NOT NULL,  -- queued_timestamp / 3600 (1970–9999 only)
    duration NOT NULL,          -- the effective duration of completed calls, as stored
    calls    INTEGER NOT NULL,
    PRIMARY KEY (hour, duration)
) WITHOUT ROWID;

CREATE VIEW call_hour_durations_recount AS
SELECT CAST(c.queued_timestamp AS INTEGER) / 3600 AS hour, coalesce(c.duration, c.event_duration) AS duration, count(*) AS calls
FROM calls c
WHERE c.status = 'completed' AND coalesce(c.duration, c.event_duration) IS NOT NULL
  AND typeof(c.queued_timestamp) IN ('integer', 'real') AND c.queued_timestamp >= 0 AND c.queued_timestamp < 253402300800
GROUP BY 1, 2;

-- What the calls hold, less the deltas another tool's writes left waiting
-- (callhist folds them into every table, this one included, next time it
-- writes): table + deltas = recount, as for the other aggregates.
INSERT INTO call_hour_durations (hour, duration, calls)
SELECT hour, duration, sum(calls)
FROM (SELECT hour, duration, calls FROM call_hour_durations_recount
      UNION ALL
      SELECT quarter / 4, effective, -sign FROM call_deltas WHERE status = 'completed' AND effective IS NOT NULL AND quarter >= 0)
GROUP BY hour, duration
HAVING sum(calls) <> 0;

-- `HourPrimitives` repeats this WHERE word for word (SQLite uses a partial
-- index only for a query that contains its terms).
CREATE INDEX calls_answered ON calls (queued_timestamp)
WHERE status IN ('canceled', 'failed', 'rejected') AND event_duration IS NOT NULL;
