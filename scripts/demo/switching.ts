/**
 * Lock and quick switch (DESIGN.md "Lock / switch"): locking the till
 * (`POST /terminals/current/lock`, terminal credential) ends the operator's Appwrite sessions, so
 * their JWT is refused from the next request on (401); the next PIN login on the till switches
 * operator, and a PIN login while someone is signed in ends their terminal session and their
 * Appwrite sessions, so their JWT is refused too (`terminal.switched` in the audit trail).
 * @module
 */
import { check, expectAnswer } from './http.js';
import type { OnTill } from './selling.js';
import type { Shift } from './shift.js';

/**
 * Locks the till with `op` signed in and checks their JWT no longer works.
 * @param label the step's name in the output; `why` opens its detail.
 */
export async function lockTill(s: Shift, op: OnTill, label: string, why: string): Promise<void> {
  const res = expectAnswer(label, await s.gw.request<{ ended: number }>('POST', '/api/v1/terminals/current/lock', { terminal: s.terminal!.credential }), 200);
  check(label, res.ended >= 1, `the lock ended ${res.ended} sessions; ${op.person.name} was signed in`);
  const me = await s.gw.request('GET', '/api/v1/auth/me', { jwt: op.jwt });
  expectAnswer(`${label}: old JWT refused`, me, 401);
  s.ledger.locks++;
  s.report.ok(label, `${why}: POST /terminals/current/lock ends ${op.person.name}'s session; their JWT now gets 401`);
}

/**
 * After a quick switch from `from` to `to` (the PIN login itself is {@link pinSignIn}): checks that
 * `from`'s JWT is refused from the next request on (the switch ended their sessions and revoked
 * their cached JWT) and records the switch.
 */
export async function recordSwitch(s: Shift, from: OnTill, to: OnTill): Promise<void> {
  const me = await s.gw.request('GET', '/api/v1/auth/me', { jwt: from.jwt });
  expectAnswer(`quick switch: ${from.person.name}'s JWT refused`, me, 401);
  s.ledger.switches.push(`${from.person.name} → ${to.person.name} by PIN, no lock in between; ${from.person.name}'s JWT now gets 401`);
}
