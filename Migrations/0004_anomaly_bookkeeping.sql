-- report anomalies (docs/reports.md, "Anomalies"): what it needs that the
-- archive did not keep, and small partial indexes, so that it reads the few
-- rows that matter, not every call, event or status change of its period.

-- Consecutive fetches (one per run at most) that brought no body: 404, 403,
-- a failure after retries, or a malformed body. Any body resets it to 0.
ALTER TABLE calls ADD COLUMN failed_checks INTEGER NOT NULL DEFAULT 0;

-- Archives made before this column: an id that never brought a body has
-- had only problems, and `unchanged_checks` counted them; one that did is
-- known to have failed at least its last time.
UPDATE calls SET failed_checks = CASE WHEN last_success_at IS NULL THEN max(unchanged_checks, 1) ELSE 1 END
WHERE last_outcome IN ('not_found', 'forbidden', 'failed', 'malformed');

-- Derived when a call is stored, like event_duration: the position (seq) of
-- the first event whose timestamp is earlier than an event before it in the
-- API's list; NULL when the events are in time order.
ALTER TABLE calls ADD COLUMN event_disorder INTEGER;

-- One pass over call_events in primary-key order (no sort), for the calls
-- archived before this column.
UPDATE calls SET event_disorder = d.seq
FROM (SELECT call_id, min(seq) AS seq
      FROM (SELECT call_id, seq, timestamp,
                   max(timestamp) OVER (PARTITION BY call_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
            FROM call_events)
      WHERE timestamp < before
      GROUP BY call_id) d
WHERE calls.call_id = d.call_id;

-- impossible_data: the calls that may break a rule of the API, by queued
-- time. `AnomalyPrimitives.suspectCalls` repeats this WHERE word for word
-- (SQLite uses a partial index only for a query that contains its terms).
CREATE INDEX calls_suspect ON calls (queued_timestamp)
WHERE attempts > max_attempts OR end_timestamp < start_timestamp OR duration <> event_duration
   OR (status = 'completed' AND event_duration IS NULL) OR event_disorder IS NOT NULL
   OR (last_error >= 'refused out-of-range' AND last_error < 'refused out-of-rangf');

-- repeated_failure: the ids failing now, by when they were last tried.
CREATE INDEX calls_failing ON calls (last_fetched_at) WHERE failed_checks > 0;

-- final_status_changed: changes away from a final status, by when seen.
CREATE INDEX status_changes_from_final ON status_changes (observed_at)
WHERE old_status IN ('canceled', 'completed', 'failed', 'rejected');
