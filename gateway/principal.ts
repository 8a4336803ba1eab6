/**
 * Who is calling the gateway, as resolved by authentication.
 * @module
 */

/** A staff member authenticated with an Appwrite JWT. */
export interface UserPrincipal {
  kind: 'user';
  userId: string;
  email: string;
  name: string;
  /** Appwrite session the JWT belongs to, when known. */
  sessionId: string | undefined;
  /** SHA-256 of the JWT (cache key; never the JWT itself). */
  jwtHash: string;
  /** Expiry of the JWT, ms since the epoch. */
  expiresAt: number;
}

/** An enrolled terminal authenticated with its credential. */
export interface TerminalPrincipal {
  kind: 'terminal';
  terminalId: string;
  storeId: string;
  name: string;
  /** What the POS enforces: idle auto-lock (minutes), lock after each sale, roles allowed to log in (empty = all). */
  policy: { idleLockMinutes: number; lockAfterSale: boolean; allowedRoles: string[] };
}

export type Principal = UserPrincipal | TerminalPrincipal;
