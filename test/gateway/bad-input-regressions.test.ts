/**
 * Regressions found by the bad-input fuzzer (test/reliability/fuzz-gateway.test.ts).
 *
 * 1. A request refused before its body is read (401, 403, 404, 415, or 413 for an oversized body;
 *    415 also when the body came with an empty `Content-Type`, which @hono/zod-openapi detected by
 *    reading the body)
 *    was answered with `Connection: keep-alive`, but @hono/node-server could not drain the unread
 *    body (the web stream wrapping it stops reading when its buffer is full) and reset the
 *    connection 500 ms later, so a client's next request on that connection failed with
 *    ECONNRESET. Expected: the next request on the same connection is answered.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => t.stop());

/** Sends requests one after another on ONE keep-alive connection; returns "status" or "error CODE" per request. */
async function onOneConnection(requests: { method: string; path: string; body?: Buffer; headers?: Record<string, string> }[]): Promise<string[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(t.gateway.url);
  const out: string[] = [];
  try {
    for (const r of requests) {
      out.push(
        await new Promise<string>((resolve) => {
          const req = http.request({ host: url.hostname, port: url.port, method: r.method, path: r.path, agent, headers: { ...(r.body ? { 'content-type': 'application/json', 'content-length': String(r.body.length) } : {}), ...r.headers } }, (res) => {
            res.resume();
            res.on('end', () => resolve(String(res.statusCode)));
          });
          req.on('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code ?? e.message}`));
          req.end(r.body);
        }),
      );
    }
  } finally {
    agent.destroy();
  }
  return out;
}

const bigJson = (bytes: number) => Buffer.from(JSON.stringify({ users: [{ pad: 'x'.repeat(bytes) }] }));

describe('bad-input regressions', () => {
  it('answers the next request on a kept-alive connection after refusing a request without reading its large body', async () => {
    const answers = await onOneConnection([
      { method: 'POST', path: '/api/v1/users/bulk', body: bigJson(400_000) }, // 401: no credentials
      { method: 'GET', path: '/health/live' },
      { method: 'POST', path: '/api/v1/no-such-route', body: bigJson(400_000) }, // 404
      { method: 'GET', path: '/health/live' },
    ]);
    expect(answers).toEqual(['401', '200', '404', '200']);
  });

  it('answers the next request on a kept-alive connection after a 413 for an oversized body', async () => {
    const answers = await onOneConnection([
      { method: 'POST', path: '/api/v1/auth/login', body: bigJson(t.config.BODY_LIMIT_BYTES + 100_000) },
      { method: 'GET', path: '/health/live' },
    ]);
    expect(answers).toEqual(['413', '200']);
  });

  it('answers the next request on a kept-alive connection after a 415 for a large body sent without a Content-Type', async () => {
    const manager = await t.createStaff({ role: 'manager', storeId: 'store-a' });
    const jwt = await t.login(manager);
    const answers = await onOneConnection([
      { method: 'POST', path: '/api/v1/users', body: bigJson(349_000), headers: { authorization: `Bearer ${jwt}`, 'content-type': '', 'content-encoding': 'gzip' } },
      { method: 'GET', path: '/health/live' },
      { method: 'POST', path: '/api/v1/users', body: bigJson(349_000), headers: { authorization: `Bearer ${jwt}`, 'content-type': '' } },
      { method: 'GET', path: '/health/live' },
    ]);
    expect(answers).toEqual(['415', '200', '415', '200']);
  });
});
