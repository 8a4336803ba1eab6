-- Tables the mirror needs besides the mirrored data (issue 8).
-- Forward-only: never edit this file once applied; add a new migration instead.

-- One row per distinct change event applied to the mirror (Firestore-to-BigQuery's change log).
-- event_key = hex SHA-256 of table + row id + $updatedAt + action: a duplicated delivery of the
-- same event hits the unique key and is recorded once. payload has its secrets stripped.
CREATE TABLE IF NOT EXISTS `mirror_change_log` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `event_key` CHAR(64) NOT NULL,
  `table_name` VARCHAR(64) NOT NULL,
  `row_id` VARCHAR(36) NOT NULL,
  `action` VARCHAR(16) NOT NULL,
  `event_name` VARCHAR(255) NULL,
  `updated_at` DATETIME(3) NULL,
  `payload` JSON NULL,
  `applied_at` DATETIME(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_event_key` (`event_key`),
  KEY `idx_table_row` (`table_name`, `row_id`),
  KEY `idx_applied_at` (`applied_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Events that still failed after retries (Kafka Connect's dead-letter queue); replayed by
-- `npm run mirror:replay`, which sets replayed_at. A repeated failure of the same event updates
-- its row (attempts, last_failed_at, error) instead of adding one.
CREATE TABLE IF NOT EXISTS `mirror_dead_letter` (
  `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  `event_key` CHAR(64) NOT NULL,
  `table_name` VARCHAR(64) NOT NULL,
  `row_id` VARCHAR(36) NOT NULL,
  `action` VARCHAR(16) NOT NULL,
  `event_name` VARCHAR(255) NULL,
  `payload` JSON NULL,
  `error` TEXT NOT NULL,
  `attempts` INT UNSIGNED NOT NULL DEFAULT 1,
  `first_failed_at` DATETIME(3) NOT NULL,
  `last_failed_at` DATETIME(3) NOT NULL,
  `replayed_at` DATETIME(3) NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_event_key` (`event_key`),
  KEY `idx_pending` (`replayed_at`, `first_failed_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Resumption points of long jobs (backfill per table, reconcile): name e.g. "backfill:sales",
-- cursor = the last Appwrite row id written.
CREATE TABLE IF NOT EXISTS `mirror_checkpoints` (
  `name` VARCHAR(128) NOT NULL,
  `cursor` VARCHAR(255) NULL,
  `updated_at` DATETIME(3) NOT NULL,
  `details` JSON NULL,
  PRIMARY KEY (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
