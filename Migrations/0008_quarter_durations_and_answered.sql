-- Version 8 (docs/schema.md): what `report hours` and `report compare`
-- need to answer at once on millions of calls (docs/reports.md, "Hours").
--
-- 1. call_quarter_durations: completed calls by quarter hour of queued time
--    (unix time / 900) and effective duration, for the median duration of
--    each local hour of day in any zone (every offset in use is whole
--    quarter hours). Durations spread so widely that an hour's key barely
--    groups more: on a million calls over 90 days the table has 665,000
--    rows by quarter against 587,000 by hour. Kept like the aggregates of
--    migration 0003: folded from `call_deltas` before every commit,
--    recomputed by `rebuild`, compared with a recount by `doctor`.
-- 2. calls_answered: the final calls that were answered but did not
--    complete (a `connected` event followed by a `disconnected`, so
--    `event_duration` is known) — few, and read by range. Every completed
--    call counts as answered, from the aggregates.
CREATE TABLE call_quarter_durations (
    quarter  INTEGER NOT NULL,  -- queued_timestamp / 900 (1970–9999 only)
    duration NOT NULL,          -- the effective duration of completed calls, as stored
    calls    INTEGER NOT NULL,
    PRIMARY KEY (quarter, duration)
) WITHOUT ROWID;

-- What the calls hold, less the deltas another tool's writes left waiting
-- (callhist folds them into every table, this one included, next time it
-- writes): table + deltas = recount, as for the other aggregates. The
-- recount is `Aggregates.recounts` in Sources/ArchiveSQLite/Reports/Aggregates.swift.
INSERT INTO call_quarter_durations (quarter, duration, calls)
SELECT quarter, duration, sum(calls)
FROM (SELECT CAST(c.queued_timestamp AS INTEGER) / 900 AS quarter, coalesce(c.duration, c.event_duration) AS duration, 1 AS calls
      FROM calls c
      WHERE c.status = 'completed' AND coalesce(c.duration, c.event_duration) IS NOT NULL
        AND typeof(c.queued_timestamp) IN ('integer', 'real') AND c.queued_timestamp >= 0 AND c.queued_timestamp < 253402300800
      UNION ALL
      SELECT quarter, effective, -sign FROM call_deltas WHERE status = 'completed' AND effective IS NOT NULL AND quarter >= 0)
GROUP BY quarter, duration
HAVING sum(calls) <> 0;

-- `ScanPrimitives.answeredQuarters` repeats this WHERE word for word
-- (SQLite uses a partial index only for a query that contains its terms).
CREATE INDEX calls_answered ON calls (queued_timestamp)
WHERE status IN ('canceled', 'failed', 'rejected') AND event_duration IS NOT NULL;
