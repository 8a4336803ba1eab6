/**
 * Types shared by the emulator's routes: who is calling (`Caller`) and the Hono env.
 * @module
 */
import type { Emulator } from './emulator.js';
import type { SessionRecord, UserRecord } from './state.js';

/** The authenticated party of a request, resolved as Appwrite resolves it. */
export type Caller =
  | { kind: 'key'; keyId: string; scopes: ReadonlySet<string> }
  | { kind: 'user'; user: UserRecord; session: SessionRecord; via: 'session' | 'jwt' | 'cookie' | 'fallback' }
  | { kind: 'guest' };

export interface EmulatorEnv {
  Variables: {
    emu: Emulator;
    caller: Caller;
    /** The request's client IP as the emulator sees it. */
    ip: string;
  };
}

/** Permission roles of a caller (Appwrite's `Role` strings); API keys bypass permissions. */
export function callerRoles(caller: Caller): string[] {
  if (caller.kind === 'guest') return ['any', 'guests'];
  if (caller.kind === 'key') return ['any'];
  const u = caller.user;
  return [
    'any',
    'users',
    u.emailVerification ? 'users/verified' : 'users/unverified',
    `user:${u.$id}`,
    u.emailVerification ? `user:${u.$id}/verified` : `user:${u.$id}/unverified`,
    ...u.labels.map((l) => `label:${l}`),
  ];
}
