import { call, startTestPlatform, type TestPlatform } from '../support/platform';
import { until } from '../support/worker-process';

const PARIS = 'fr-paris-hq';
const LYON = 'fr-lyon-store';

describe('purge schedules (Temporal Schedules on the dev server, the API of audit schedules)', () => {
  let platform: TestPlatform;
  let officer: string;
  const created: string[] = [];

  const create = async (token: string, body: unknown) => {
    const response = await call(platform.baseUrl, 'POST', '/api/purge-schedules', { token, body });
    if (response.status === 201) created.push(response.body.id);
    return response;
  };
  const pathOf = (id: string) => `/api/purge-schedules/${encodeURIComponent(id)}`;

  beforeAll(async () => {
    platform = await startTestPlatform();
    officer = await platform.tokenFor(['compliance'], [PARIS]);
  });
  afterAll(async () => {
    // the dev server outlives this file: leave no schedule behind
    for (const id of created) await platform.client.schedule.getHandle(id).delete().catch(() => undefined);
    await platform?.stop();
  });

  it('refuses bad input naming the field, a steward and another site\'s officer', async () => {
    const steward = await platform.tokenFor(['steward'], [PARIS]);
    const lyonOfficer = await platform.tokenFor(['compliance'], [LYON]);
    const refusal = async (token: string, body: unknown) => {
      const response = await create(token, body);
      return { status: response.status, field: response.body?.error?.details?.field };
    };
    const good = { siteId: PARIS, cron: '0 3 * * 0', timeZone: 'Europe/Paris', dryRun: true };
    expect(await refusal(officer, { ...good, cron: 'sometimes' })).toEqual({ status: 400, field: 'cron' });
    expect(await refusal(officer, { ...good, cron: undefined, interval: '5m' })).toEqual({ status: 400, field: 'interval' });
    expect(await refusal(officer, { ...good, timeZone: 'Mars/Olympus' })).toEqual({ status: 400, field: 'timeZone' });
    expect(await refusal(officer, { ...good, dryRun: undefined })).toEqual({ status: 400, field: 'dryRun' });
    expect(await refusal(officer, { ...good, dryRun: 'yes' })).toEqual({ status: 400, field: 'dryRun' });
    expect((await refusal(officer, { ...good, siteId: 'atlantis' })).status).toBe(404);
    expect((await refusal(steward, good)).status).toBe(403);
    expect((await refusal(lyonOfficer, good)).status).toBe(403);
  });

  it('are created, paused, resumed, changed, triggered, listed and deleted by compliance officers', async () => {
    const response = await create(officer, { siteId: PARIS, cron: '0 3 * * 0', timeZone: 'Europe/Paris', dryRun: true, note: 'weekly dry run' });
    expect(response.status).toBe(201);
    const schedule = response.body;
    expect(schedule).toMatchObject({ siteId: PARIS, cron: '0 3 * * 0', interval: null, timeZone: 'Europe/Paris', dryRun: true, status: 'active', note: 'weekly dry run' });
    expect(schedule.id).toMatch(/^purge-schedule:fr-paris-hq:[0-9a-f]{8}$/);
    for (const time of schedule.nextRunTimes) expect(new Date(time).getUTCDay()).toBe(0);
    const suffix = schedule.id.split(':').pop();
    const description = await platform.client.schedule.getHandle(schedule.id).describe();
    expect(description.action).toMatchObject({ workflowType: 'purge', workflowId: `purge:${PARIS}:${suffix}`, args: [{ siteId: PARIS, dryRun: true }] });
    expect(description.policies.overlap).toBe('SKIP');

    const paused = await call(platform.baseUrl, 'PATCH', pathOf(schedule.id), { token: officer, body: { paused: true, note: 'year-end freeze' } });
    expect(paused.body).toMatchObject({ status: 'paused', note: 'year-end freeze' });
    const resumed = await call(platform.baseUrl, 'PATCH', pathOf(schedule.id), { token: officer, body: { paused: false } });
    expect(resumed.body.status).toBe('active');

    // retimed to an interval in the same zone; the purge input keeps its dryRun
    const retimed = await call(platform.baseUrl, 'PATCH', pathOf(schedule.id), { token: officer, body: { interval: 'P1W' } });
    expect(retimed.body).toMatchObject({ cron: null, interval: 'P1W', timeZone: 'Europe/Paris', dryRun: true });
    expect((await call(platform.baseUrl, 'PATCH', pathOf(schedule.id), { token: officer, body: { dryRun: 'no' } })).body.error.details.field).toBe('dryRun');

    // the purge schedules are not audit schedules, nor the other way round
    expect((await call(platform.baseUrl, 'GET', `/api/audit-schedules/${encodeURIComponent(schedule.id)}`, { token: officer })).status).toBe(404);
    const audits = await call(platform.baseUrl, 'GET', `/api/audit-schedules?site=${PARIS}`, { token: officer });
    expect(audits.body.schedules.map((found: { id: string }) => found.id)).not.toContain(schedule.id);

    expect((await call(platform.baseUrl, 'POST', `${pathOf(schedule.id)}/trigger`, { token: officer })).status).toBe(202);
    const run = await until('the triggered dry run to finish', async () => {
      const row = await platform.database.db('purge_runs').where('workflow_id', 'like', `purge:${PARIS}:${suffix}-%`).where({ status: 'completed' }).first();
      return row ?? undefined;
    });
    expect(run).toMatchObject({ site_id: PARIS, dry_run: true, started_by: 'schedule' });
    const log = await call(platform.baseUrl, 'GET', `/api/purges/${run.id}`, { token: officer });
    expect(log.body).toMatchObject({ status: 'completed', dryRun: true });
    const view = await call(platform.baseUrl, 'GET', pathOf(schedule.id), { token: officer });
    expect(view.body.recentRuns[0].workflowId).toBe(run.workflow_id);

    // from now on the runs purge
    const purging = await call(platform.baseUrl, 'PATCH', pathOf(schedule.id), { token: officer, body: { dryRun: false } });
    expect(purging.body).toMatchObject({ dryRun: false, interval: 'P1W' });
    expect((await platform.client.schedule.getHandle(schedule.id).describe()).action).toMatchObject({ args: [{ siteId: PARIS, dryRun: false }] });

    const listed = await call(platform.baseUrl, 'GET', `/api/purge-schedules?site=${PARIS}`, { token: officer });
    expect(listed.body.schedules.map((found: { id: string }) => found.id)).toEqual([schedule.id]);

    expect((await call(platform.baseUrl, 'DELETE', pathOf(schedule.id), { token: officer })).status).toBe(204);
    expect((await call(platform.baseUrl, 'GET', pathOf(schedule.id), { token: officer })).status).toBe(404);
  });
});
