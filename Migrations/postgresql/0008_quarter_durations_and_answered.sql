-- Version 8, as Migrations/0008_quarter_durations_and_answered.sql does it
-- for SQLite (docs/schema.md): PostgreSQL answers `report hours` by scans
-- (it keeps no report aggregates), so only the index of the final calls
-- that were answered but did not complete, read by range.
CREATE INDEX calls_answered ON calls (queued_timestamp)
WHERE status IN ('canceled', 'failed', 'rejected') AND event_duration IS NOT NULL;
