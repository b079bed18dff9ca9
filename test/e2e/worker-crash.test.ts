import type { ChildProcess } from 'node:child_process';
import { stopChild } from '../../runtime/temporal-server';
import { call, startTestPlatform, type TestPlatform } from '../support/platform';
import { spawnWorker, until } from '../support/worker-process';

describe('a worker killed in the middle of an onboarding', () => {
  let platform: TestPlatform;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform({ withWorker: false, onboardingWaitMs: 0 });
  });
  afterAll(async () => {
    for (const worker of workers) await stopChild(worker);
    await platform.stop();
  });

  it('is resumed by another worker: one golden record, no lineage written twice', async () => {
    const { db } = platform.database;
    const token = await platform.tokenFor(['integration'], ['fr-paris-hq']);

    // Hold a lock that blocks creating golden records: the worker gets stuck inside that step.
    const blocker = await db.transaction();
    await blocker.raw('LOCK TABLE customers IN SHARE ROW EXCLUSIVE MODE');

    const first = spawnWorker(platform);
    workers.push(first);
    const response = await call(platform.baseUrl, 'POST', '/api/sites/fr-paris-hq/customers', {
      token,
      body: { sourceSystem: 'crm', sourceId: 'K-1', record: { givenName: 'Karl', familyName: 'Kessler', email: 'karl@example.de', country: 'DE' } },
    });
    expect(response.status).toBe(202);

    await until('the worker to wait on the lock', async () => {
      const { rows } = await db.raw(
        "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE 'insert into \"customers\"%'",
      );
      return rows.length > 0 ? true : undefined;
    });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await blocker.rollback();

    workers.push(spawnWorker(platform));
    const outcome = await platform.client.workflow.getHandle(response.body.workflowId).result();
    expect(outcome).toMatchObject({ outcome: 'created' });

    expect(await db('customers').count('* as n')).toEqual([{ n: '1' }]);
    const entries = await db('change_log').select('entity_type', 'entity_id', 'action');
    const distinct = new Set(entries.map((entry) => `${entry.entity_type}:${entry.entity_id}:${entry.action}`));
    expect(distinct.size).toBe(entries.length);
    expect(entries.map((entry) => entry.action).sort()).toEqual(['created', 'linked', 'normalised', 'received']);
  });

  it('while a review waits, loses no decision: taken exactly once after a restart', async () => {
    const { db } = platform.database;
    const system = await platform.tokenFor(['integration'], ['fr-paris-hq']);
    const steward = await platform.tokenFor(['steward'], ['fr-paris-hq']);
    const onboard = (sourceId: string, record: Record<string, string>) =>
      call(platform.baseUrl, 'POST', '/api/sites/fr-paris-hq/customers', { token: system, body: { sourceSystem: 'crm', sourceId, record } });

    // only this test's worker runs
    for (const earlier of workers.splice(0)) await stopChild(earlier);
    const worker = spawnWorker(platform);
    workers.push(worker);
    await onboard('R-1', { givenName: 'Odile', familyName: 'Marchand', email: 'odile.marchand@example.fr', birthDate: '1979-05-04', city: 'Nantes', country: 'FR' });
    const first = await until('the first record to be onboarded', async () => {
      const row = await db('source_records').where({ source_id: 'R-1' }).whereNotNull('outcome').first();
      return row ?? undefined;
    });
    expect(first.outcome.outcome).toBe('created');
    await onboard('R-2', { givenName: 'Odile', familyName: 'Marchant', email: 'o.marchant@autre.example.org', country: 'FR' });
    const review = await until('the review mail', async () => {
      const task = await db('tasks').where({ type: 'duplicate_review' }).first();
      const mail = task && (await db('sent_emails').where('idempotency_key', 'like', `review:${task.id}:reviewRequest:%`).first());
      return mail ? task : undefined;
    });

    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));
    workers.push(spawnWorker(platform));

    const decided = await call(platform.baseUrl, 'POST', `/api/tasks/${review.id}/decision`, { token: steward, body: { decision: 'merge' } });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ state: 'decided', decision: 'merge' });
    expect(await db('task_decisions').where({ task_id: review.id })).toHaveLength(1);
    expect(await db('change_log').where({ entity_type: 'task', entity_id: review.id, action: 'decided' })).toHaveLength(1);
    const merged = await db('source_records').where({ source_id: 'R-2' }).first();
    expect(merged).toMatchObject({ status: 'linked', customer_id: first.customer_id });
    expect(await db('sent_emails').where('idempotency_key', 'like', `review:${review.id}:reviewRequest:%`)).toHaveLength(1);
  });
});
