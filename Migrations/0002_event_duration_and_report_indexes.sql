-- Reports: a call's duration from its events (first `connected` to the first
-- `disconnected` at or after it, by timestamp), derived when the call is
-- stored, so no report walks events; and indexes that let the reports scan
-- an index in order instead of sorting a million rows (docs/reports.md).
ALTER TABLE calls ADD COLUMN event_duration INTEGER;

UPDATE calls SET event_duration = (
    SELECT min(d.timestamp) - cn.ts
    FROM call_events d, (SELECT min(timestamp) AS ts FROM call_events WHERE call_id = calls.call_id AND event = 'connected') cn
    WHERE d.call_id = calls.call_id AND d.event = 'disconnected' AND d.timestamp >= cn.ts);

-- Covers the daily report and time-filtered reports; replaces calls_queued (its prefix).
DROP INDEX calls_queued;
CREATE INDEX calls_report ON calls (queued_timestamp, status, duration, event_duration);
-- Attempts grouped in index order: no sort.
CREATE INDEX calls_attempts ON calls (attempts, max_attempts, status);
-- Duration percentiles: completed calls' durations in order.
CREATE INDEX calls_effective_duration ON calls (status, coalesce(duration, event_duration));
-- --phone filters.
CREATE INDEX calls_phone ON calls (phone_number, queued_timestamp);
