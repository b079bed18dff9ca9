import { ScheduleNotFoundError } from '@temporalio/client';
import { call, startTestPlatform, type TestPlatform } from '../support/platform';

const PARIS = 'fr-paris-hq';
const LYON = 'fr-lyon-store';

/** Polls Temporal until `check` holds: schedule state changes are asynchronous. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('audit schedules on the Temporal dev server', () => {
  let platform: TestPlatform;
  let parisOfficer: string;
  let lyonOfficer: string;
  let parisSteward: string;
  let admin: string;
  const created: string[] = [];
  const started: string[] = [];

  const create = async (token: string, body: unknown) => {
    const response = await call(platform.baseUrl, 'POST', '/api/audit-schedules', { token, body });
    if (response.status === 201) created.push(response.body.id);
    return response;
  };
  const describeSchedule = (id: string) => platform.client.schedule.getHandle(id).describe();

  beforeAll(async () => {
    platform = await startTestPlatform();
    parisOfficer = await platform.tokenFor(['compliance'], [PARIS], 'officer@paris.example');
    lyonOfficer = await platform.tokenFor(['compliance'], [LYON], 'officer@lyon.example');
    parisSteward = await platform.tokenFor(['steward'], [PARIS]);
    admin = await platform.tokenFor(['admin'], ['*']);
  });
  afterAll(async () => {
    // the dev server outlives this file: leave no schedule behind
    for (const id of created) await platform.client.schedule.getHandle(id).delete().catch(() => undefined);
    for (const id of started) await platform.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await platform?.stop();
  });

  it('creates a schedule (201) that starts auditRun on the task queue, skipping overlaps', async () => {
    const response = await create(parisOfficer, { siteId: PARIS, cron: '0 6 * * 1', timeZone: 'Europe/Paris', note: 'weekly' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ siteId: PARIS, cron: '0 6 * * 1', interval: null, timeZone: 'Europe/Paris', status: 'active', note: 'weekly' });
    expect(response.body.id).toMatch(/^audit-schedule:fr-paris-hq:[0-9a-f]{8}$/);
    // Monday 06:00 in Paris is 04:00 or 05:00 UTC
    expect(response.body.nextRunTimes).toHaveLength(3);
    for (const time of response.body.nextRunTimes) expect(new Date(time).getUTCDay()).toBe(1);

    const description = await describeSchedule(response.body.id);
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'auditRun', taskQueue: platform.taskQueue, workflowId: `audit:${PARIS}:${response.body.id.split(':').pop()}`, args: [{ siteId: PARIS }] });
    expect(description.policies.overlap).toBe('SKIP');
    expect(description.memo).toEqual({ siteId: PARIS });
  });

  it('takes an interval, as ISO 8601 or short', async () => {
    const iso = await create(lyonOfficer, { siteId: LYON, interval: 'P1D', timeZone: 'Europe/Paris' });
    expect(iso.status).toBe(201);
    const short = await create(admin, { siteId: LYON, interval: '12h', timeZone: 'UTC' });
    expect(short.status).toBe(201);
    expect(short.body).toMatchObject({ cron: null, interval: '12h' });
    const description = await describeSchedule(short.body.id);
    expect(description.spec.intervals).toMatchObject([{ every: 12 * 3_600_000 }]);
  });

  it('refuses bad input naming the field, an unknown site, a steward and another site', async () => {
    const refusal = async (token: string, body: unknown) => {
      const response = await create(token, body);
      return { status: response.status, field: response.body?.error?.details?.field };
    };
    expect(await refusal(parisOfficer, { siteId: PARIS, cron: '0 25 * * 1', timeZone: 'Europe/Paris' })).toEqual({ status: 400, field: 'cron' });
    expect(await refusal(parisOfficer, { siteId: PARIS, cron: 'every monday', timeZone: 'Europe/Paris' })).toEqual({ status: 400, field: 'cron' });
    expect(await refusal(parisOfficer, { siteId: PARIS, cron: '0 6 * * 1', timeZone: 'Mars/Olympus' })).toEqual({ status: 400, field: 'timeZone' });
    expect(await refusal(parisOfficer, { siteId: PARIS, interval: 'P1M', timeZone: 'UTC' })).toEqual({ status: 400, field: 'interval' });
    expect(await refusal(parisOfficer, { siteId: PARIS, interval: '5m', timeZone: 'UTC' })).toEqual({ status: 400, field: 'interval' });
    expect(await refusal(parisOfficer, { siteId: PARIS, timeZone: 'UTC' })).toEqual({ status: 400, field: 'cron' });
    expect((await refusal(parisOfficer, { siteId: 'atlantis', cron: '0 6 * * 1', timeZone: 'UTC' })).status).toBe(404);
    expect((await refusal(parisSteward, { siteId: PARIS, cron: '0 6 * * 1', timeZone: 'UTC' })).status).toBe(403);
    expect((await refusal(lyonOfficer, { siteId: PARIS, cron: '0 6 * * 1', timeZone: 'UTC' })).status).toBe(403);
  });

  it('lists only the schedules of the caller\'s sites', async () => {
    const paris = await call(platform.baseUrl, 'GET', '/api/audit-schedules', { token: parisOfficer });
    expect(paris.status).toBe(200);
    expect(paris.body.schedules.length).toBeGreaterThan(0);
    expect(paris.body.schedules.every((schedule: { siteId: string }) => schedule.siteId === PARIS)).toBe(true);

    const all = await call(platform.baseUrl, 'GET', '/api/audit-schedules', { token: admin });
    expect(new Set(all.body.schedules.map((schedule: { siteId: string }) => schedule.siteId))).toEqual(new Set([PARIS, LYON]));
    const lyonOnly = await call(platform.baseUrl, 'GET', `/api/audit-schedules?site=${LYON}`, { token: admin });
    expect(lyonOnly.body.schedules.every((schedule: { siteId: string }) => schedule.siteId === LYON)).toBe(true);

    expect((await call(platform.baseUrl, 'GET', `/api/audit-schedules?site=${LYON}`, { token: parisOfficer })).status).toBe(403);
    expect((await call(platform.baseUrl, 'GET', '/api/audit-schedules', { token: parisSteward })).status).toBe(403);
  });

  it('pauses, resumes and retimes; another site\'s officer and a steward get 403', async () => {
    const { body: schedule } = await create(parisOfficer, { siteId: PARIS, cron: '30 2 * * *', timeZone: 'Europe/Paris' });
    const path = `/api/audit-schedules/${encodeURIComponent(schedule.id)}`;

    const paused = await call(platform.baseUrl, 'PATCH', path, { token: parisOfficer, body: { paused: true, note: 'inventory week' } });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: 'paused', note: 'inventory week' });
    expect((await describeSchedule(schedule.id)).state).toMatchObject({ paused: true, note: 'inventory week' });

    const resumed = await call(platform.baseUrl, 'PATCH', path, { token: parisOfficer, body: { paused: false } });
    expect(resumed.body.status).toBe('active');
    expect((await describeSchedule(schedule.id)).state.paused).toBe(false);

    const retimed = await call(platform.baseUrl, 'PATCH', path, { token: parisOfficer, body: { interval: 'P1W' } });
    expect(retimed.body).toMatchObject({ cron: null, interval: 'P1W', timeZone: 'Europe/Paris', status: 'active' });
    expect((await describeSchedule(schedule.id)).spec.intervals).toMatchObject([{ every: 7 * 86_400_000 }]);

    expect((await call(platform.baseUrl, 'PATCH', path, { token: parisOfficer, body: { paused: 'yes' } })).body.error.details.field).toBe('paused');
    expect((await call(platform.baseUrl, 'PATCH', path, { token: parisOfficer, body: { cron: '61 * * * *' } })).status).toBe(400);
    for (const [method, suffix] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/trigger']] as const) {
      const foreign = await call(platform.baseUrl, method, path + suffix, { token: lyonOfficer, body: method === 'PATCH' ? { paused: true } : undefined });
      expect({ method, status: foreign.status }).toEqual({ method, status: 403 });
      expect((await call(platform.baseUrl, method, path + suffix, { token: parisSteward })).status).toBe(403);
    }
    expect((await describeSchedule(schedule.id)).state.paused).toBe(false);
    expect((await call(platform.baseUrl, 'GET', '/api/audit-schedules/audit-schedule:fr-paris-hq:nothing', { token: parisOfficer })).status).toBe(404);
  });

  it('triggers a run now: auditRun starts as audit:<site>:<schedule suffix>-<time>', async () => {
    const { body: schedule } = await create(parisOfficer, { siteId: PARIS, cron: '0 6 1 1 *', timeZone: 'Europe/Paris' });
    const triggered = await call(platform.baseUrl, 'POST', `/api/audit-schedules/${encodeURIComponent(schedule.id)}/trigger`, { token: parisOfficer });
    expect(triggered.status).toBe(202);
    const description = await eventually(() => describeSchedule(schedule.id), (found) => found.info.recentActions.length > 0);
    const workflowId = description.info.recentActions[0].action.workflow.workflowId;
    started.push(workflowId);
    expect(workflowId).toMatch(new RegExp(`^audit:${PARIS}:${schedule.id.split(':').pop()}-\\d{4}-\\d{2}-\\d{2}T`));
    const execution = await platform.client.workflow.getHandle(workflowId).describe();
    expect(execution.type).toBe('auditRun');
    expect(execution.taskQueue).toBe(platform.taskQueue);

    const view = await call(platform.baseUrl, 'GET', `/api/audit-schedules/${encodeURIComponent(schedule.id)}`, { token: parisOfficer });
    expect(view.body.recentRuns[0].workflowId).toBe(workflowId);
  });

  it('refuses to trigger while a run of the schedule is still going (409 naming it), which Temporal would skip', async () => {
    // without a worker the run stays open
    await platform.stopWorker();
    const { body: schedule } = await create(parisOfficer, { siteId: PARIS, interval: 'P7D', timeZone: 'UTC' });
    const path = `/api/audit-schedules/${encodeURIComponent(schedule.id)}/trigger`;
    expect((await call(platform.baseUrl, 'POST', path, { token: parisOfficer })).status).toBe(202);
    const description = await eventually(() => describeSchedule(schedule.id), (found) => found.info.recentActions.length > 0);
    const running = description.info.recentActions[0].action.workflow.workflowId;
    started.push(running);

    const refused = await call(platform.baseUrl, 'POST', path, { token: parisOfficer });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'conflict', details: { workflowId: running } });
    expect(refused.body.error.message).toContain('still going');
  });

  it('deletes a schedule (204): gone from Temporal and from the API', async () => {
    const { body: schedule } = await create(admin, { siteId: PARIS, cron: '@daily', timeZone: 'UTC' });
    const path = `/api/audit-schedules/${encodeURIComponent(schedule.id)}`;
    expect((await call(platform.baseUrl, 'DELETE', path, { token: parisOfficer })).status).toBe(204);
    await expect(describeSchedule(schedule.id)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await call(platform.baseUrl, 'GET', path, { token: parisOfficer })).status).toBe(404);
  });
});
