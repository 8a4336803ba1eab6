/**
 * The worker-thread side of `pin-hasher.ts`: runs bcryptjs synchronously on a pool thread, so
 * the CPU-bound key stretching (about 94 ms at cost 10 on this project's 2-core machine,
 * DESIGN.md) never blocks the gateway's event loop. It receives only the peppered PIN (hex
 * HMAC), never the PIN or the pepper.
 * @module
 */
import bcrypt from 'bcryptjs';

/** A task posted by the pool. */
export type PinHasherTask =
  | { op: 'hash'; input: string; cost: number }
  | { op: 'verify'; input: string; hash: string };

/**
 * Piscina entry point.
 * @returns the bcrypt hash (`$2b$<cost>$…`, 60 characters) for `hash`; for `verify`, whether the
 *   input matches (false for a malformed hash instead of throwing).
 */
export default function run(task: PinHasherTask): string | boolean {
  if (task.op === 'hash') return bcrypt.hashSync(task.input, bcrypt.genSaltSync(task.cost));
  try {
    return bcrypt.compareSync(task.input, task.hash);
  } catch {
    return false;
  }
}
