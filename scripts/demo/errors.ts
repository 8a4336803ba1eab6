/**
 * The two ways `npm run demo` stops early:
 * - {@link DemoSetupError}: the demo cannot start (the stack is not running, the demo logins are
 *   missing, a bad option). Exit code 2; the message says what to do.
 * - {@link DemoFailure}: the stack gave an answer the shift did not expect. Exit code 1; the
 *   message names the step, what was expected and what came back (status, error code, message
 *   and the gateway's request id, to find the request in the stack's log).
 * @module
 */

/** The demo cannot run; `message` tells the user how to fix it. */
export class DemoSetupError extends Error {
  override readonly name = 'DemoSetupError';
}

/** An unexpected answer at step `step`. */
export class DemoFailure extends Error {
  override readonly name = 'DemoFailure';
  constructor(
    readonly step: string,
    readonly detail: string,
  ) {
    super(`${step}: ${detail}`);
  }
}

/** Exit codes of `npm run demo`: 0 passed, 1 unexpected answer, 2 cannot run. */
export const EXIT = { passed: 0, failed: 1, setup: 2 } as const;
