-- Mirror support added by issue 8: tombstones for hard-delete tables and applied-event counters.
-- Forward-only: never edit this file once applied; add a new migration instead.

-- A hard-deleted row leaves its last version here, so a late or duplicated create/update of the
-- same row (same or older $updatedAt/$sequence) cannot bring it back. A row re-created under
-- the same $id in Appwrite has a newer version and is mirrored again. Old tombstones are pruned
-- by the reconcile sweep once no delivery can still be pending (default 7 days).
CREATE TABLE IF NOT EXISTS `mirror_tombstones` (
  `table_name` VARCHAR(64) NOT NULL,
  `row_id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `updated_at` DATETIME(3) NOT NULL,
  `sequence` BIGINT NOT NULL DEFAULT 0,
  `deleted_at` DATETIME(3) NOT NULL,
  PRIMARY KEY (`table_name`, `row_id`),
  KEY `idx_deleted_at` (`deleted_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Counters of the mirror (read by /metrics and /health/ready across processes): events applied
-- and skipped (duplicate or stale) per operation, when the last one was applied and its lag
-- (commit time - the row's $updatedAt, ms; deletes carry no write time and record no lag).
CREATE TABLE IF NOT EXISTS `mirror_stats` (
  `operation` VARCHAR(16) NOT NULL,
  `applied` BIGINT UNSIGNED NOT NULL DEFAULT 0,
  `skipped` BIGINT UNSIGNED NOT NULL DEFAULT 0,
  `last_applied_at` DATETIME(3) NULL,
  `last_lag_ms` BIGINT NULL,
  PRIMARY KEY (`operation`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Appwrite ids are case-sensitive ("a1" and "A1" are two rows); the mirror's keys compare them
-- byte for byte, as Appwrite does, instead of with the tables' case-insensitive collation.
ALTER TABLE `pos_stores` MODIFY `id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `pos_roles` MODIFY `id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `pos_staff` MODIFY `id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `pos_staff_credentials` MODIFY `id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `pos_terminals` MODIFY `id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `pos_terminal_sessions` MODIFY `id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `pos_approvals` MODIFY `id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `pos_audit_logs` MODIFY `id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `pos_products` MODIFY `id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `pos_customers` MODIFY `id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `pos_sales` MODIFY `id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `appwrite_users` MODIFY `id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `mirror_change_log` MODIFY `row_id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE `mirror_dead_letter` MODIFY `row_id` VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
