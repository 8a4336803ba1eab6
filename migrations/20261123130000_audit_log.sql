-- Tamper-evident audit log (issue 7). Forward-only.
-- audit_log rows are hash-chained: hash = SHA-256(prev_hash || canonical_json(entry)); see core/audit/chain.ts.
-- seq is assigned by the appender (infra/audit/appender.ts) under the audit_head row lock, never by
-- AUTO_INCREMENT, so the chain has no gaps. The application user gets SELECT, INSERT only on
-- audit_log and audit_checkpoints (grants documented in infra/audit/verify.ts).

CREATE TABLE IF NOT EXISTS audit_log (
  seq BIGINT UNSIGNED NOT NULL,
  id CHAR(36) NOT NULL,
  occurred_at DATETIME(3) NOT NULL,
  received_at DATETIME(3) NOT NULL,
  action VARCHAR(64) NOT NULL,
  outcome VARCHAR(16) NOT NULL,
  actor_type VARCHAR(16) NOT NULL,
  actor_id VARCHAR(128) NOT NULL,
  actor_role VARCHAR(64) NULL,
  approver_id VARCHAR(128) NULL,
  target_type VARCHAR(64) NULL,
  target_id VARCHAR(128) NULL,
  store_id VARCHAR(128) NULL,
  terminal_id VARCHAR(128) NULL,
  ip VARCHAR(45) NULL,
  request_id VARCHAR(128) NULL,
  entry JSON NOT NULL,
  prev_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  source_event_key VARCHAR(128) NULL,
  PRIMARY KEY (seq),
  UNIQUE KEY uq_audit_log_id (id),
  UNIQUE KEY uq_audit_log_source_event_key (source_event_key),
  KEY ix_audit_log_actor (actor_id),
  KEY ix_audit_log_action (action),
  KEY ix_audit_log_target (target_type, target_id),
  KEY ix_audit_log_store (store_id),
  KEY ix_audit_log_terminal (terminal_id),
  KEY ix_audit_log_outcome (outcome),
  KEY ix_audit_log_occurred_at (occurred_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Signed statements "entry seq has hash h" (HMAC-SHA256 with AUDIT_CHECKPOINT_KEY over seq|hash|created_at).
CREATE TABLE IF NOT EXISTS audit_checkpoints (
  seq BIGINT UNSIGNED NOT NULL,
  hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  signature CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The chain head: exactly one row, locked with SELECT ... FOR UPDATE by every appender transaction.
CREATE TABLE IF NOT EXISTS audit_head (
  id TINYINT UNSIGNED NOT NULL,
  seq BIGINT UNSIGNED NOT NULL,
  hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  last_checkpoint_seq BIGINT UNSIGNED NOT NULL DEFAULT 0,
  last_checkpoint_at DATETIME(3) NULL,
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  CONSTRAINT ck_audit_head_single_row CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO audit_head (id, seq, hash) VALUES (1, 0, REPEAT('0', 64));

-- Entries still to be copied to the Appwrite audit_logs table (console view), retried with backoff.
CREATE TABLE IF NOT EXISTS audit_console_outbox (
  seq BIGINT UNSIGNED NOT NULL,
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  last_error VARCHAR(1000) NULL,
  next_attempt_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (seq),
  KEY ix_audit_console_outbox_next (next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
