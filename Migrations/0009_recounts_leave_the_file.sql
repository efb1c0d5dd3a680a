-- Version 9 (docs/schema.md): the `*_recount` views of migration 0003
-- leave the file. They are callhist's checks, not data: `rebuild` and
-- `doctor` run the same SELECTs from the binary
-- (Sources/ArchiveSQLite/Reports/Aggregates.swift), and a browser of the
-- file (Datasette, DB Browser) no longer lists three views that recount a
-- whole archive when opened.
DROP VIEW call_quarters_recount;
DROP VIEW call_attempts_recount;
DROP VIEW call_durations_recount;
