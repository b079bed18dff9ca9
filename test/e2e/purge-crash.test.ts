import type { ChildProcess } from 'node:child_process';
import { hashedId } from '../../core/retention/hash';
import { stopChild } from '../../runtime/temporal-server';
import { call, startTestPlatform, type TestPlatform } from '../support/platform';
import { ageCustomer, finishedPurge, onboarded } from '../support/retention';
import { spawnWorker, until } from '../support/worker-process';

const PARIS = 'fr-paris-hq';

describe('a worker killed in the middle of a purge', () => {
  let platform: TestPlatform;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform({ withWorker: false });
  });
  afterAll(async () => {
    for (const worker of workers) await stopChild(worker);
    await platform.stop();
  });

  it('is resumed by another worker, and no page is processed twice', async () => {
    const { db } = platform.database;
    workers.push(spawnWorker(platform));
    const system = await platform.tokenFor(['integration'], [PARIS]);
    const officer = await platform.tokenFor(['compliance'], [PARIS]);
    const customerIds: string[] = [];
    for (const [index, name] of ['Anouk', 'Basile', 'Cyprien', 'Dorine', 'Eloi', 'Faustine'].entries()) {
      customerIds.push(await onboarded(platform, system, PARIS, 'crm', `K-${index}`, { givenName: name, familyName: 'Purgé', email: `${name.toLowerCase()}@crash.example`, country: 'FR' }));
    }
    for (const customerId of customerIds) await ageCustomer(db, customerId, 4);
    const sourceRecordIds: string[] = await db('source_records').whereIn('customer_id', customerIds).pluck('id');

    // Removing a golden record waits on this lock: the worker is stuck inside the first page.
    const blocker = await db.transaction();
    await blocker.raw('LOCK TABLE customers IN SHARE ROW EXCLUSIVE MODE');
    const started = await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/purges`, { token: officer, body: { dryRun: false, pageSize: 2 } });
    expect(started.status).toBe(202);
    await until('the purge to wait on the lock', async () => {
      const { rows } = await db.raw("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE 'delete from \"customers\"%'");
      return rows.length > 0 ? true : undefined;
    });
    const first = workers[0];
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await blocker.rollback();

    workers.push(spawnWorker(platform));
    const log = await finishedPurge(platform, officer, started.body.id, 90_000);
    expect(log).toMatchObject({ status: 'completed', counts: { sourceRecords: 6, goldenRecordsRemoved: 6 } });
    const pages = log.pages.filter((page: { category: string }) => page.category === 'sourceRecords');
    expect(pages.map((page: { page: number; hashedIds: string[] }) => [page.page, page.hashedIds.length])).toEqual([[0, 2], [1, 2], [2, 2], [3, 0]]);
    const purged = pages.flatMap((page: { hashedIds: string[] }) => page.hashedIds);
    expect(new Set(purged).size).toBe(6);
    expect(purged.sort()).toEqual(sourceRecordIds.map(hashedId).sort());
    expect(await db('customers').whereIn('id', customerIds)).toHaveLength(0);
    expect(await db('source_records').whereIn('id', sourceRecordIds).where({ status: 'anonymised' })).toHaveLength(6);
  });
});
