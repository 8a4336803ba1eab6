/**
 * Operations endpoints of a running gateway: `/health/ready` lists every dependency with its
 * latency, including the MariaDB mirror's status (issue 8 item 5), and `/metrics` carries the
 * mirror gauges next to the request metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => t.stop());

describe('operations endpoints', () => {
  it('reports the mirror in /health/ready with its dead letters and lag', async () => {
    const res = await fetch(`${t.gateway.url}/health/ready`);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string; latencyMs: number; details?: Record<string, unknown> }> };
    expect(res.status).toBe(200);
    expect(Object.keys(body.checks).sort()).toEqual(['appwrite', 'mariadb', 'mirror', 'redis']);
    expect(body.checks.mirror).toMatchObject({ status: 'up', details: { deadLetters: 0 } });
    expect(body.checks.mariadb!.details).toBeUndefined();
  });

  it('turns not ready (503) when the mirror dead-letter queue overflows', async () => {
    const now = new Date();
    const rows = Array.from({ length: 1001 }, (_, i) => [`${'d'.repeat(58)}${String(i).padStart(6, '0')}`, 'pos_products', `row${i}`, 'update', '', '{}', 'test', 3, now, now]);
    await t.db.pool.query('INSERT INTO mirror_dead_letter (event_key, table_name, row_id, action, event_name, payload, error, attempts, first_failed_at, last_failed_at) VALUES ?', [rows]);
    try {
      const res = await fetch(`${t.gateway.url}/health/ready`);
      const body = (await res.json()) as { status: string; checks: Record<string, { status: string; error?: string }> };
      expect(res.status).toBe(503);
      expect(body.status).toBe('not_ready');
      expect(body.checks.mirror).toMatchObject({ status: 'down', error: expect.stringContaining('1001 mirror dead letters pending') });
      const metrics = await fetch(`${t.gateway.url}/metrics`).then((r) => r.text());
      expect(metrics).toContain('tillgate_mirror_dead_letters 1001');
    } finally {
      await t.db.pool.query('DELETE FROM mirror_dead_letter');
    }
  });
});
