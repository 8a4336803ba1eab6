/** Mirror counters survive a failed save: they go back into the delta and reach mirror_stats with the next flush. */
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushStats, type StatsDelta } from '../../infra/mirror/apply.js';
import { createPool } from '../../infra/mariadb.js';
import { migrate } from '../../infra/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/mariadb.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('tg_mirror_stats');
  await migrate({ url: db.url });
});
afterAll(async () => db.drop());

describe('mirror stats flush', () => {
  it('keeps the counts of a failed save and adds them with the next one', async () => {
    const delta: StatsDelta = new Map([['create', { applied: 7, skipped: 2, lag: 12, at: new Date('2026-11-23T10:00:00Z') }]]);
    const down = createPool('mysql://root@127.0.0.1:9/none', 1);
    await expect(flushStats(down, delta)).rejects.toBeDefined();
    await down.end();
    expect(delta.get('create')).toMatchObject({ applied: 7, skipped: 2 });
    delta.get('create')!.applied += 3;
    await flushStats(db.pool, delta);
    expect(delta.size).toBe(0);
    const [rows] = await db.pool.query<RowDataPacket[]>("SELECT applied, skipped FROM mirror_stats WHERE operation = 'create'");
    expect(rows.map((r) => [Number(r.applied), Number(r.skipped)])).toEqual([[10, 2]]);
  });
});
