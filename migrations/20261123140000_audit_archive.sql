-- Audit log retention (issue 7 item 5). Forward-only.
-- `npm run audit:retention` (infra/audit/retention.ts) moves the oldest entries of audit_log into
-- gzip-compressed JSON Lines archive files. Afterwards the chain kept in audit_log no longer
-- starts at seq 1 with the genesis hash: it starts right after the anchor below, whose `hash` is
-- the hash of the last archived entry (= the prev_hash of the first entry still in audit_log).
-- The anchor is signed like a checkpoint (HMAC-SHA256 with AUDIT_CHECKPOINT_KEY over
-- seq|hash|created_at), so moving it to hide deleted entries is detected by verify.
-- Only the maintenance account writes these tables; the application user needs SELECT only.

CREATE TABLE IF NOT EXISTS audit_archive_anchor (
  id TINYINT UNSIGNED NOT NULL,
  seq BIGINT UNSIGNED NOT NULL,
  hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at DATETIME(3) NOT NULL,
  signature CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  archive_file VARCHAR(255) NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT ck_audit_archive_anchor_single_row CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per archive file written (its manifest, also stored next to the file).
CREATE TABLE IF NOT EXISTS audit_archives (
  first_seq BIGINT UNSIGNED NOT NULL,
  last_seq BIGINT UNSIGNED NOT NULL,
  entries INT UNSIGNED NOT NULL,
  first_prev_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  last_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  file VARCHAR(255) NOT NULL,
  sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  bytes BIGINT UNSIGNED NOT NULL,
  oldest_at DATETIME(3) NOT NULL,
  newest_at DATETIME(3) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (first_seq),
  UNIQUE KEY uq_audit_archives_last_seq (last_seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
