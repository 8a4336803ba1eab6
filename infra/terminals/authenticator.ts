/**
 * Authentication of enrolled terminals: `Authorization: Terminal <terminalId>:<secret>`. The
 * secret was shown once at enrollment; only its SHA-256 is stored (`terminals.credentialHash`).
 * Verified credentials are cached in process for {@link CACHE_MS} so a till's requests need no
 * Appwrite round trip; disabling or rotating a terminal calls {@link TerminalAuth.forget}.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { AppError } from '../../core/errors.js';
import { isAppwriteError, toAppError, type AppwriteAdmin } from '../appwrite.js';
import { secretDigest } from '../staff/terminals.js';

/** How long a verified credential is trusted without re-reading the terminal, ms. */
export const CACHE_MS = 30_000;

export interface TerminalIdentity {
  terminalId: string;
  storeId: string;
  name: string;
  policy: { idleLockMinutes: number; lockAfterSale: boolean; allowedRoles: string[] };
}

export interface TerminalAuth {
  /**
   * @throws AppError TERMINAL_UNAUTHENTICATED (missing/malformed header, unknown id, wrong
   *   secret), TERMINAL_NOT_ENROLLED (pending), TERMINAL_DISABLED, UPSTREAM_UNAVAILABLE.
   */
  authenticate(authorization: string | undefined): Promise<TerminalIdentity & { kind: 'terminal' }>;
  forget(terminalId: string): void;
}

const HEADER = /^Terminal\s+([A-Za-z0-9][A-Za-z0-9._-]{0,35}):([A-Za-z0-9_-]{16,256})$/;

export function createTerminalAuth(appwrite: AppwriteAdmin, databaseId: string): TerminalAuth {
  const cache = new LRUCache<string, TerminalIdentity>({ max: 10_000, ttl: CACHE_MS });
  return {
    forget: (terminalId) => {
      for (const [k, v] of cache.entries()) if (v.terminalId === terminalId) cache.delete(k);
    },
    async authenticate(authorization) {
      const m = authorization ? HEADER.exec(authorization.trim()) : null;
      if (!m) throw new AppError('TERMINAL_UNAUTHENTICATED', 'Send `Authorization: Terminal <terminalId>:<secret>` from an enrolled terminal.');
      const [, terminalId, secret] = m as unknown as [string, string, string];
      const digest = secretDigest(secret);
      const key = `${terminalId}:${digest}`;
      const hit = cache.get(key);
      if (hit) return { kind: 'terminal', ...hit };
      let row: Record<string, unknown>;
      try {
        row = (await appwrite.tablesDB.getRow({ databaseId, tableId: 'terminals', rowId: terminalId })) as unknown as Record<string, unknown>;
      } catch (e) {
        if (isAppwriteError(e, 'row_not_found')) throw new AppError('TERMINAL_UNAUTHENTICATED', 'Unknown terminal or wrong credential.');
        throw toAppError(e, 'terminal');
      }
      if (row.status === 'pending') throw new AppError('TERMINAL_NOT_ENROLLED', 'This terminal is not enrolled yet.');
      const stored = typeof row.credentialHash === 'string' ? Buffer.from(row.credentialHash, 'hex') : Buffer.alloc(0);
      const given = Buffer.from(digest, 'hex');
      if (stored.length !== given.length || !timingSafeEqual(stored, given)) throw new AppError('TERMINAL_UNAUTHENTICATED', 'Unknown terminal or wrong credential.');
      if (row.status !== 'active') throw new AppError('TERMINAL_DISABLED', 'This terminal is disabled; a Manager can re-enable it.');
      const identity: TerminalIdentity = {
        terminalId,
        storeId: String(row.storeId),
        name: String(row.name ?? ''),
        policy: { idleLockMinutes: Number(row.idleLockMinutes ?? 5), lockAfterSale: row.lockAfterSale === true, allowedRoles: Array.isArray(row.allowedRoles) ? (row.allowedRoles as string[]) : [] },
      };
      cache.set(key, identity);
      return { kind: 'terminal', ...identity };
    },
  };
}
