import { call, startTestPlatform, type TestPlatform } from '../support/platform';
import { until } from '../support/worker-process';

const PARIS = 'fr-paris-hq';

describe('purge schedules (Temporal Schedules on the dev server)', () => {
  let platform: TestPlatform;
  let officer: string;
  const schedules = `/api/sites/${PARIS}/purge-schedules`;

  beforeAll(async () => {
    platform = await startTestPlatform();
    officer = await platform.tokenFor(['compliance'], [PARIS]);
  });
  afterAll(async () => {
    await call(platform.baseUrl, 'DELETE', `${schedules}/weekly`, { token: officer });
    await platform.stop();
  });

  it('are created, paused, unpaused, triggered, listed and deleted by compliance officers only', async () => {
    const steward = await platform.tokenFor(['steward'], [PARIS]);
    const body = { name: 'weekly', cron: '0 3 * * 0', dryRun: true };
    expect((await call(platform.baseUrl, 'POST', schedules, { token: steward, body })).status).toBe(403);
    expect((await call(platform.baseUrl, 'POST', schedules, { token: officer, body: { ...body, cron: 'sometimes' } })).status).toBe(400);
    expect((await call(platform.baseUrl, 'POST', schedules, { token: officer, body: { name: 'weekly', cron: '0 3 * * 0' } })).body.error.message).toMatch(/dryRun is required/);

    const created = await call(platform.baseUrl, 'POST', schedules, { token: officer, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'weekly', scheduleId: `purge-schedule:${PARIS}:weekly`, cron: '0 3 * * 0', timeZone: 'Europe/Paris', paused: false, input: { siteId: PARIS, dryRun: true } });
    expect(new Date(created.body.nextRuns[0]).getUTCDay()).toBe(0);
    expect((await call(platform.baseUrl, 'POST', schedules, { token: officer, body })).status).toBe(409);

    const paused = await call(platform.baseUrl, 'POST', `${schedules}/weekly/pause`, { token: officer, body: { note: 'year-end freeze' } });
    expect(paused.body).toMatchObject({ paused: true, note: 'year-end freeze' });
    expect((await call(platform.baseUrl, 'POST', `${schedules}/weekly/unpause`, { token: officer })).body).toMatchObject({ paused: false });

    expect((await call(platform.baseUrl, 'POST', `${schedules}/weekly/trigger`, { token: officer })).status).toBe(200);
    const run = await until('the triggered purge to finish', async () => {
      const row = await platform.database.db('purge_runs').where('workflow_id', 'like', `purge:${PARIS}:scheduled-%`).where({ status: 'completed' }).first();
      return row ?? undefined;
    });
    expect(run).toMatchObject({ site_id: PARIS, dry_run: true, started_by: 'schedule' });
    const log = await call(platform.baseUrl, 'GET', `/api/purges/${run.id}`, { token: officer });
    expect(log.body).toMatchObject({ status: 'completed', counts: { sourceRecords: 0 } });

    const listed = await until('the schedule to be listed', async () => {
      const list = await call(platform.baseUrl, 'GET', schedules, { token: officer });
      return list.body.schedules.length > 0 ? list.body.schedules : undefined;
    });
    expect(listed.map((schedule: { name: string }) => schedule.name)).toEqual(['weekly']);

    expect((await call(platform.baseUrl, 'DELETE', `${schedules}/weekly`, { token: officer })).status).toBe(204);
    expect((await call(platform.baseUrl, 'GET', `${schedules}/weekly`, { token: officer })).status).toBe(404);
  });
});
