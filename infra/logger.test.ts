/** Log redaction: every secret key at any depth, in any letter case, without touching the caller's objects. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED, redactSecrets } from './logger.js';

function capture(): { lines: Record<string, unknown>[]; log: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({ write: (chunk: Buffer, _e, cb) => { lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>); cb(); } });
  return { lines, log: createLogger({ level: 'debug', service: 't', destination }) };
}

describe('log redaction', () => {
  it('replaces secrets at every depth and in arrays, whatever their letter case', () => {
    const { lines, log } = capture();
    log.info({ pin: '4826', body: { newPin: '583920', nested: { deeper: { approvalToken: 'tok', list: [{ password: 'pw' }] } } }, req: { headers: { Authorization: 'Bearer abc', 'X-Appwrite-Key': 'k' } } }, 'hello');
    const line = JSON.stringify(lines[0]);
    for (const secret of ['4826', '583920', '"tok"', '"pw"', 'Bearer abc', '"k"']) expect(line).not.toContain(secret);
    expect(lines[0]).toMatchObject({ pin: REDACTED, body: { newPin: REDACTED, nested: { deeper: { approvalToken: REDACTED, list: [{ password: REDACTED }] } } }, req: { headers: { Authorization: REDACTED } }, msg: 'hello' });
  });

  it('leaves the caller objects as they were and keeps errors for the serializer', () => {
    const { lines, log } = capture();
    const body = { user: { email: 'a@example.com', password: 'pw' } };
    const err = Object.assign(new Error('boom'), { code: 'ECONNREFUSED' });
    log.error({ body, err }, 'failed');
    expect(body.user.password).toBe('pw');
    expect(lines[0]).toMatchObject({ body: { user: { email: 'a@example.com', password: REDACTED } }, err: { message: 'boom', code: 'ECONNREFUSED', type: 'Error' } });
  });

  it('returns the same object when there is nothing to hide', () => {
    const o = { a: 1, b: { c: [1, 2, { d: 'x' }] } };
    expect(redactSecrets(o)).toBe(o);
  });
});
