-- Version 9, as Migrations/0009_recounts_leave_the_file.sql is for SQLite:
-- a PostgreSQL archive keeps no report aggregates and so had no recount
-- views; nothing changes but the version, so that both backends report
-- one version number (docs/schema.md).
SELECT 1;
