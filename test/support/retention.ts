import type { Db } from '../../runtime/db';
import { call, type TestPlatform } from './platform';

/** Makes a customer's data look old: its source records last updated, and its change-log entries
 * written, `years` ago. The change log refuses updates, so its trigger is paused for this only. */
export async function ageCustomer(db: Db, customerId: string, years: number, siteId?: string): Promise<void> {
  const sources = db('source_records').where({ customer_id: customerId }).modify((q) => {
    if (siteId) q.where({ site_id: siteId });
  });
  const ids: string[] = await sources.clone().pluck('id');
  await sources.update({ updated_at: db.raw(`now() - interval '${years} years'`), received_at: db.raw(`now() - interval '${years} years'`) });
  await db.transaction(async (trx) => {
    await trx.raw('ALTER TABLE change_log DISABLE TRIGGER change_log_append_only');
    await trx('change_log')
      .whereIn('entity_id', ids)
      .update({ created_at: trx.raw(`now() - interval '${years} years'`) });
    await trx.raw('ALTER TABLE change_log ENABLE TRIGGER change_log_append_only');
  });
}

/** Onboards a record and returns its golden record id (the onboarding must have finished). */
export async function onboarded(platform: TestPlatform, token: string, site: string, sourceSystem: string, sourceId: string, record: Record<string, string>): Promise<string> {
  const response = await call(platform.baseUrl, 'POST', `/api/sites/${site}/customers`, { token, body: { sourceSystem, sourceId, record } });
  if (response.status !== 201 || !response.body.outcome?.customerId) throw new Error(`onboarding ${sourceId} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.outcome.customerId;
}

/** Polls a purge until it finished, and returns it. */
export async function finishedPurge(platform: TestPlatform, token: string, purgeId: string, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const purge = await call(platform.baseUrl, 'GET', `/api/purges/${purgeId}`, { token });
    if (purge.status !== 200) throw new Error(`GET purge answered ${purge.status}: ${JSON.stringify(purge.body)}`);
    if (purge.body.status !== 'running') return purge.body;
    if (Date.now() > deadline) throw new Error(`purge ${purgeId} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs a purge of a site now and waits for its log. */
export async function runPurge(platform: TestPlatform, token: string, site: string, body: { dryRun: boolean; pageSize?: number }): Promise<any> {
  const started = await call(platform.baseUrl, 'POST', `/api/sites/${site}/purges`, { token, body });
  if (started.status !== 202) throw new Error(`POST purges answered ${started.status}: ${JSON.stringify(started.body)}`);
  return finishedPurge(platform, token, started.body.id);
}
