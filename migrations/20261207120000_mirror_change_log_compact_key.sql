-- A cheaper change log (issue 8, mirror throughput): the deduplication key of
-- `mirror_change_log` becomes the change itself, UNIQUE (table_name, row_id, updated_at,
-- sequence, action), instead of a 64-character hex SHA-256 of those same fields in a column of
-- its own. The hash made every insert land on a random leaf of a wide unique index and needed a
-- second index (table_name, row_id) for a row's history; the natural key is narrower, is inserted
-- in row-id order, and serves both the deduplication and a row's history. The `applied_at` index
-- goes too: readers that tail the log use the increasing `id` (the primary key).
-- Forward-only: never edit this file once applied; add a new migration instead.

ALTER TABLE `mirror_change_log` ADD COLUMN IF NOT EXISTS `sequence` BIGINT NOT NULL DEFAULT 0 AFTER `updated_at`;

-- Rows logged before: $sequence from the payload (users have none, as in the old key), and the
-- change time (always written; applied_at only if it was ever missing).
UPDATE `mirror_change_log`
SET `sequence` = IF(`table_name` = 'appwrite_users', 0, COALESCE(CAST(JSON_VALUE(`payload`, '$."$sequence"') AS UNSIGNED), 0)),
    `updated_at` = COALESCE(`updated_at`, `applied_at`);

ALTER TABLE `mirror_change_log`
  DROP INDEX IF EXISTS `uq_event_key`,
  DROP INDEX IF EXISTS `idx_table_row`,
  DROP INDEX IF EXISTS `idx_applied_at`,
  DROP COLUMN IF EXISTS `event_key`,
  MODIFY `updated_at` DATETIME(3) NOT NULL,
  ADD UNIQUE KEY IF NOT EXISTS `uq_change` (`table_name`, `row_id`, `updated_at`, `sequence`, `action`);
