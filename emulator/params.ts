/**
 * Request parameter helpers with Appwrite's validation messages. Every bad parameter answers 400
 * `general_argument_invalid`, never a 500.
 * @module
 */
import type { Context } from 'hono';
import { AppwriteError, invalidParam } from './errors.js';

export type Params = Record<string, unknown>;

/**
 * Reads the JSON body (or an empty object for an empty body).
 * @throws AppwriteError 400 `general_argument_invalid` on malformed JSON or a non-object body.
 */
export async function readBody(c: Context): Promise<Params> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppwriteError('general_argument_invalid', 'Invalid JSON body: the request body could not be parsed.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AppwriteError('general_argument_invalid', 'Invalid JSON body: expected an object of parameters.');
  }
  return parsed as Params;
}

/**
 * Collects an array query parameter in any of the forms SDKs send: `name[]=a`, `name[0]=a`,
 * or repeated `name=a`.
 */
export function queryArray(c: Context, name: string): string[] | undefined {
  const url = new URL(c.req.url);
  const out: { i: number; v: string }[] = [];
  let seen = false;
  let n = 0;
  for (const [k, v] of url.searchParams) {
    if (k === name || k === `${name}[]`) {
      out.push({ i: n++, v });
      seen = true;
    } else if (k.startsWith(`${name}[`) && k.endsWith(']')) {
      const idx = Number(k.slice(name.length + 1, -1));
      out.push({ i: Number.isInteger(idx) ? idx : n, v });
      n++;
      seen = true;
    }
  }
  if (!seen) return undefined;
  return out.sort((a, b) => a.i - b.i).map((x) => x.v);
}

/** A required or optional string param. */
export function str(p: Params, name: string, opts: { required?: boolean; max?: number; min?: number; allowEmpty?: boolean } = {}): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) {
    if (opts.required) throw new AppwriteError('general_argument_invalid', `Param "${name}" is not optional.`);
    return undefined;
  }
  if (typeof v !== 'string') throw invalidParam(name, 'Value must be a valid string');
  if (opts.max !== undefined && v.length > opts.max) throw invalidParam(name, `Value must be a valid string and no longer than ${opts.max} chars`);
  if (opts.min !== undefined && v.length < opts.min) throw invalidParam(name, `Value must be a valid string and at least ${opts.min} chars`);
  if (opts.required && !opts.allowEmpty && v.length === 0) throw invalidParam(name, 'Value must be a valid string and at least 1 chars');
  return v;
}

/** A required string param. */
export function reqStr(p: Params, name: string, opts: { max?: number; min?: number; allowEmpty?: boolean } = {}): string {
  return str(p, name, { ...opts, required: true })!;
}

/** An optional integer param within [min, max]. Numeric strings (query params) are accepted. */
export function int(p: Params, name: string, opts: { min?: number; max?: number; required?: boolean } = {}): number | undefined {
  let v = p[name];
  if (v === undefined || v === null) {
    if (opts.required) throw new AppwriteError('general_argument_invalid', `Param "${name}" is not optional.`);
    return undefined;
  }
  if (typeof v === 'string' && /^-?\d+$/.test(v)) v = Number(v);
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidParam(name, 'Value must be a valid integer');
  if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    throw invalidParam(name, `Value must be a valid range between ${opts.min ?? '-∞'} and ${opts.max ?? '∞'}`);
  }
  return v;
}

/** An optional boolean param; `"true"`/`"false"` strings (query params) are accepted. */
export function bool(p: Params, name: string, opts: { required?: boolean } = {}): boolean | undefined {
  const v = p[name];
  if (v === undefined || v === null) {
    if (opts.required) throw new AppwriteError('general_argument_invalid', `Param "${name}" is not optional.`);
    return undefined;
  }
  if (v === true || v === 'true' || v === '1' || v === 1) return true;
  if (v === false || v === 'false' || v === '0' || v === 0) return false;
  throw invalidParam(name, 'Value must be a valid boolean');
}

/** An optional array of strings, each at most `maxItemLength` long, at most `maxItems` items. */
export function strArray(p: Params, name: string, opts: { maxItems?: number; maxItemLength?: number; required?: boolean } = {}): string[] | undefined {
  const v = p[name];
  if (v === undefined || v === null) {
    if (opts.required) throw new AppwriteError('general_argument_invalid', `Param "${name}" is not optional.`);
    return undefined;
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalidParam(name, 'Value must be a valid array and Value must be a valid string');
  if (opts.maxItems !== undefined && v.length > opts.maxItems) throw invalidParam(name, `Value must be a valid array no longer than ${opts.maxItems} items`);
  if (opts.maxItemLength !== undefined && v.some((x: string) => x.length > opts.maxItemLength!)) {
    throw invalidParam(name, `Value must be a valid array and Value must be a valid string and no longer than ${opts.maxItemLength} chars`);
  }
  return v as string[];
}

/** An optional plain-object param. */
export function obj(p: Params, name: string, opts: { required?: boolean } = {}): Record<string, unknown> | undefined {
  let v = p[name];
  if (v === undefined || v === null) {
    if (opts.required) throw new AppwriteError('general_argument_invalid', `Param "${name}" is not optional.`);
    return undefined;
  }
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      throw invalidParam(name, 'Value must be a valid JSON');
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidParam(name, 'Value must be a valid object');
  return v as Record<string, unknown>;
}

/** Merges URL query params into a Params object (GET routes). */
export function queryParams(c: Context): Params {
  const url = new URL(c.req.url);
  const out: Params = {};
  for (const [k, v] of url.searchParams) if (!k.includes('[')) out[k] = v;
  return out;
}
