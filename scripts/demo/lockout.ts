/**
 * The PIN lockout (issue 6 item 4: 5 consecutive failures of one staff member lock their PIN):
 * the cashier taps their name and mistypes their PIN five times (`POST /auth/pin-login` with
 * `staffId`, 401 PIN_INVALID each), then even the right PIN is refused (429 PIN_LOCKED with
 * Retry-After); the manager clears the lock (`POST /users/{id}/pin/unlock`) and the right PIN
 * works again.
 * @module
 */
import { randomInt } from 'node:crypto';
import { checkPin } from '../../core/pin/policy.js';
import { check, expectAnswer } from './http.js';
import { pinSignIn, type OnTill } from './selling.js';
import type { Person, Shift } from './shift.js';

/** Failures that lock a staff member's PIN (core/pin/lockout.ts STAFF_PIN_LOCKOUT). */
export const WRONG_PINS = 5;

/** Six-digit PINs that pass the policy and are none of the PINs the demo knows of. */
function wrongPins(s: Shift, count: number): string[] {
  const avoid = new Set([...s.logins.knownPins, ...(s.cashier2 ? [s.cashier2.pin] : [])]);
  const out: string[] = [];
  while (out.length < count) {
    const pin = String(randomInt(1_000_000)).padStart(6, '0');
    if (!avoid.has(pin) && checkPin(pin).ok) {
      avoid.add(pin);
      out.push(pin);
    }
  }
  return out;
}

/**
 * Clears a PIN lock an interrupted earlier run left behind (the manager's unlock), noted in the
 * summary, so that a re-run starts from an open PIN.
 */
export async function clearStaleLock(s: Shift, person: Person): Promise<void> {
  const res = expectAnswer('stale lock cleared', await s.gw.request<{ wasLocked: boolean }>('POST', `/api/v1/users/${person.userId}/pin/unlock`, { jwt: s.manager.jwt! }), 200);
  s.ledger.notes.push(`${person.name}'s PIN was still locked (an earlier run stopped before its unlock); ${s.manager.name} cleared it (wasLocked ${res.wasLocked})`);
}

/**
 * Five wrong PINs for `person`, the lock, the manager's unlock, and `person` back on the till.
 * @returns the operator signed in again.
 */
export async function lockoutAndUnlock(s: Shift, person: Person): Promise<OnTill> {
  const pinLogin = (pin: string) => s.gw.request('POST', '/api/v1/auth/pin-login', { terminal: s.terminal!.credential, body: { staffId: person.userId, pin } });
  const wrong = wrongPins(s, WRONG_PINS);
  for (const [i, pin] of wrong.entries()) expectAnswer(`wrong PIN ${i + 1}/${WRONG_PINS}`, await pinLogin(pin), 401, 'PIN_INVALID');
  s.report.ok(`${WRONG_PINS} wrong PINs`, `${person.name} mistypes ${WRONG_PINS} times: 401 PIN_INVALID each`);

  const step = 'PIN locked';
  const locked = await pinLogin(person.pin);
  expectAnswer(step, locked, 429, 'PIN_LOCKED');
  const retryAfter = Number(locked.headers.get('retry-after'));
  check(step, retryAfter > 0, `429 PIN_LOCKED without a Retry-After header`);
  s.report.ok(step, `now even the right PIN is refused: 429 PIN_LOCKED, Retry-After ${retryAfter} s`);

  const unlock = expectAnswer('manager unlocks', await s.gw.request<{ wasLocked: boolean }>('POST', `/api/v1/users/${person.userId}/pin/unlock`, { jwt: s.manager.jwt! }), 200);
  check('manager unlocks', unlock.wasLocked, 'the unlock found no lock to clear');
  s.ledger.lockouts.push({ who: person.name, wrongPins: WRONG_PINS, retryAfterSeconds: retryAfter, unlockedBy: s.manager.name });
  s.report.ok('manager unlocks', `${s.manager.name} clears ${person.name}'s PIN lock (POST /users/{id}/pin/unlock)`);
  return pinSignIn(s, person, 'back on the till', ' after the unlock');
}
