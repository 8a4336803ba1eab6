/**
 * Appwrite's error model: bodies are `{ message, code, type, version }` where `code` is the HTTP
 * status and `type` one of the types of `error-types-1.9.json`.
 * @module
 */
import { APPWRITE_VERSION, spec } from './spec.js';

/** An error the emulator answers exactly as Appwrite would. */
export class AppwriteError extends Error {
  override readonly name = 'AppwriteError';
  readonly type: string;
  readonly code: number;

  /**
   * @param type an Appwrite error type, e.g. `user_already_exists`; its status comes from the spec.
   * @throws Error when the type is unknown (a bug in the emulator, caught by tests).
   */
  constructor(type: string, message: string) {
    super(message);
    const code = spec.errorTypes[type];
    if (code === undefined) throw new Error(`unknown Appwrite error type ${type}`);
    this.type = type;
    this.code = code;
  }

  toBody(): { message: string; code: number; type: string; version: string } {
    return { message: this.message, code: this.code, type: this.type, version: APPWRITE_VERSION };
  }
}

/** `general_argument_invalid` (400) for a parameter, worded as Appwrite words it. */
export function invalidParam(name: string, why: string): AppwriteError {
  return new AppwriteError('general_argument_invalid', `Invalid \`${name}\` param: ${why}`);
}

/** Shorthand for throwing; keeps route code to one line per check. */
export function fail(type: string, message: string): never {
  throw new AppwriteError(type, message);
}
