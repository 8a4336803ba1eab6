/**
 * The one error vocabulary of Tillgate. Every HTTP answer that is not a success, in the gateway
 * and in the Appwrite Functions, carries the envelope
 * `{ "error": { "code": "UPPER_SNAKE", "message", "requestId", "details"? } }`.
 *
 * Codes map to HTTP status here and nowhere else (Unkey's `codeToStatus` habit). Expected
 * domain outcomes (an RBAC verdict, a lockout decision) are returned as results by `core`; only
 * the edge turns them into an {@link AppError}.
 * @module
 */

/** Every error code with its HTTP status. */
export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  PIN_POLICY_VIOLATION: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  PIN_INVALID: 401,
  TERMINAL_UNAUTHENTICATED: 401,
  TERMINAL_NOT_ENROLLED: 401,
  TERMINAL_DISABLED: 403,
  ENROLLMENT_CODE_INVALID: 400,
  APPROVAL_INVALID: 403,
  APPROVAL_USED: 409,
  APPROVAL_MISMATCH: 403,
  APPROVAL_AMOUNT_EXCEEDED: 403,
  APPROVER_NOT_PERMITTED: 403,
  FORBIDDEN: 403,
  INSUFFICIENT_PERMISSIONS: 403,
  USER_BLOCKED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PIN_IN_USE: 409,
  PIN_REUSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  ACCOUNT_LOCKED: 429,
  PIN_LOCKED: 429,
  TERMINAL_LOCKED: 429,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM_UNAVAILABLE: 503,
  DEPENDENCY_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorStatus = (typeof ERROR_CODES)[ErrorCode];

/** The fixed message of {@link ERROR_CODES.INTERNAL}: causes and stacks go only to the log. */
export const INTERNAL_MESSAGE = 'An internal error occurred. Quote the requestId when reporting it.';

export interface AppErrorOptions {
  /** The underlying error; logged, never serialized to the client. */
  cause?: unknown;
  /** Safe, structured detail for the client (validation issues, which lock applies, ...). */
  details?: Record<string, unknown>;
  /** Seconds until a retry can succeed; sent as the `Retry-After` header (RFC 9110 §10.2.3). */
  retryAfterSeconds?: number;
}

/** An error whose code and message are safe to show to the caller. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** HTTP status for this error's code. */
  get status(): ErrorStatus {
    return ERROR_CODES[this.code];
  }
}

/** A configuration mistake found at boot; never reaches a client. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`Invalid configuration:\n  - ${issues.join('\n  - ')}`);
    this.issues = issues;
  }
}

/** True when `e` is an {@link AppError} (also across bundle copies of this module). */
export function isAppError(e: unknown): e is AppError {
  if (e instanceof AppError) return true;
  if (!(e instanceof Error) || e.name !== 'AppError') return false;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** The wire shape of every error answer. */
export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; requestId: string; details?: Record<string, unknown> };
}

/**
 * Builds the error envelope for any thrown value. Unknown errors become `INTERNAL` with the fixed
 * {@link INTERNAL_MESSAGE}; their message is never echoed.
 * @returns the HTTP status, the body and the `Retry-After` seconds if any.
 */
export function toErrorEnvelope(
  e: unknown,
  requestId: string,
): { status: ErrorStatus; body: ErrorEnvelope; retryAfterSeconds?: number } {
  if (isAppError(e)) {
    const body: ErrorEnvelope = { error: { code: e.code, message: e.message, requestId } };
    if (e.details !== undefined) body.error.details = e.details;
    return e.retryAfterSeconds === undefined
      ? { status: e.status, body }
      : { status: e.status, body, retryAfterSeconds: e.retryAfterSeconds };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: INTERNAL_MESSAGE, requestId } } };
}
