/**
 * The services route handlers and guards use, built once by the composition root and exposed
 * to every request as `c.var.services` (one reference; nothing is built per request).
 * @module
 */
import type { ActorResolver } from '../infra/actor-resolver.js';
import type { AppwriteAdmin } from '../infra/appwrite.js';
import type { AuditAppender } from '../infra/audit/appender.js';
import type { JwtVerifier } from '../infra/jwt-verifier.js';
import type { LockoutStore } from '../infra/lockout-store.js';
import type { RevocationEpochs } from '../infra/revocation-epochs.js';
import type { RoleRegistryService } from '../infra/role-registry.js';
import type { PinHasher } from '../infra/pin-hasher.js';
import type { PinPolicy } from '../core/pin/policy.js';
import type { Pool } from '../infra/mariadb.js';
import type { RateLimiter } from './middleware/rate-limit.js';
import type { TerminalPrincipal } from './principal.js';

/** Authenticates an enrolled terminal from its `Authorization: Terminal <id>:<secret>` header. */
export interface TerminalAuthenticator {
  /** @throws AppError TERMINAL_UNAUTHENTICATED / TERMINAL_NOT_ENROLLED / TERMINAL_DISABLED */
  authenticate(authorization: string | undefined): Promise<TerminalPrincipal>;
}

/** Receives authorization denials (the audit log records them as `authz.denied`). */
export type DenialListener = (denial: { userId: string; permission: string; reason: string; storeId?: string | undefined; requestId: string; route: string }) => void | Promise<void>;

export interface GatewayServices {
  actors: ActorResolver;
  terminals?: TerminalAuthenticator;
  onDenied?: DenialListener;
  /** The hash-chained audit log; absent only in bare unit tests. */
  audit?: AuditAppender;
  appwrite?: AppwriteAdmin;
  databaseId?: string;
  verifier?: JwtVerifier;
  epochs?: RevocationEpochs;
  lockout?: LockoutStore;
  roles?: RoleRegistryService;
  /** PIN verification: the worker pool, the pepper of the lookup index, the token lifetime (s). */
  pins?: { hasher: PinHasher; pepper: string; tokenTtlSeconds: number; cost: number; defaultPolicy: PinPolicy };
  /** Tillgate's MariaDB (audit log reads). */
  pool?: Pool;
  /** AUDIT_CHECKPOINT_KEY, for verifying checkpoint signatures. */
  auditCheckpointKey?: string;
  /** Atomically marks `key` used (Redis SET NX with a TTL in ms); true for the first caller only. */
  consumeOnce?: (key: string, ttlMs: number) => Promise<boolean>;
  /** The API rate limit (`API_RATE_LIMIT` per caller per 60 s), consumed by each guarded route's entry step; absent = unlimited (bare unit tests). */
  apiLimiter?: RateLimiter;
  /** The credential endpoints' limit (`AUTH_RATE_LIMIT` per address and route per 60 s, on Redis, fail closed); absent = unlimited (bare unit tests). */
  credentialLimiter?: RateLimiter;
  /** Forget cached terminal credentials (disable, rotate). */
  forgetTerminal?: (terminalId: string) => void;
}
