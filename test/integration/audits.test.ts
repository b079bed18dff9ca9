import { createAuditActivities } from '../../activities/audits';
import type { CustomerRecord } from '../../core/customer';
import type { SiteRulesSource } from '../../core/rules/types';
import { FIRST_PAGE_AFTER } from '../../core/audits/paging';
import { failingRowsPage, getAuditRun } from '../../store/audit-runs';
import { finishedAuditRun } from '../support/audit-api';
import { CLEAN_PARIS_RECORD as CLEAN } from '../support/audit-records';
import { call, startTestPlatform, type TestPlatform } from '../support/platform';

const PARIS = 'fr-paris-hq';
const LYON = 'fr-lyon-store';

/** Paris records with one known defect each (labels say which), plus rows the audit must not read. */
const SEEDED: Array<{ label: string; record: CustomerRecord; status?: string; linked?: boolean; monthsOld?: number; site?: string }> = [
  { label: 'clean-1', record: CLEAN },
  { label: 'open-review', record: CLEAN },
  { label: 'no-given-name', record: { ...CLEAN, givenName: undefined } },
  { label: 'bad-email', record: { ...CLEAN, email: 'ann.lee(at)example.fr' } },
  { label: 'national-phone', record: { ...CLEAN, phone: '0612345678' } },
  { label: 'german-phone', record: { ...CLEAN, phone: '+4915112345678' } },
  { label: 'short-postcode', record: { ...CLEAN, postcode: '7500' } },
  { label: 'wrong-city', record: { ...CLEAN, city: 'Lyon' } },
  { label: 'no-such-date', record: { ...CLEAN, birthDate: '2023-02-30' } },
  { label: 'too-old', record: { ...CLEAN, birthDate: '1890-01-01' } },
  { label: 'pending-review', record: CLEAN, status: 'pending_review', linked: false },
  { label: 'stale', record: CLEAN, monthsOld: 30 },
  { label: 'bad-national-id', record: { ...CLEAN, nationalId: 'XYZ' } },
  { label: 'no-contact', record: { ...CLEAN, email: undefined, phone: undefined } },
  { label: 'rejected', record: { ...CLEAN, email: 'nope' }, status: 'rejected' },
  { label: 'lyon', record: { ...CLEAN, email: 'nope' }, site: LYON },
];

/** Rows checked and failed per check of the Paris rules for the seeded rows (14 audited). */
const EXPECTED: Record<string, [number, number]> = {
  'completeness-identity': [14, 1],
  'completeness-contact': [14, 1],
  'validity-email': [13, 1],
  'validity-phone': [13, 1],
  'validity-postcode': [14, 1],
  'validity-birth-date': [14, 2],
  'consistency-phone-country': [13, 2],
  'consistency-postcode-city': [13, 1],
  'uniqueness-open-duplicates': [14, 2],
  'freshness-24-months': [14, 1],
  'conformity-site-rules': [14, 3],
};

describe('quality audits', () => {
  let platform: TestPlatform;
  let officer: string;
  const ids: Record<string, string> = {};
  const customers: Record<string, string> = {};

  beforeAll(async () => {
    platform = await startTestPlatform();
    officer = await platform.tokenFor(['compliance'], [PARIS]);
    const { db } = platform.database;
    for (const seeded of SEEDED) {
      const site = seeded.site ?? PARIS;
      const record = Object.fromEntries(Object.entries(seeded.record).filter(([, value]) => value !== undefined));
      const customerId =
        seeded.linked === false ? null : (await db('customers').insert({ home_site_id: site, record: '{}', provenance: '{}', rules_version: 'seed' }).returning('id'))[0].id;
      const [row] = await db('source_records')
        .insert({
          site_id: site,
          source_system: 'seed',
          source_id: seeded.label,
          status: seeded.status ?? 'linked',
          customer_id: customerId,
          raw: JSON.stringify(record),
          raw_hash: seeded.label,
          record: JSON.stringify(record),
          updated_at: db.raw(`now() - interval '${seeded.monthsOld ?? 0} months'`),
        })
        .returning('id');
      ids[seeded.label] = row.id;
      if (customerId) customers[seeded.label] = customerId;
    }
    for (const [label, status] of [['open-review', 'open'], ['pending-review', 'open'], ['clean-1', 'decided']] as const) {
      await db('tasks').insert({ site_id: PARIS, type: 'duplicate_review', status, idempotency_key: `seed:${label}`, source_record_id: ids[label], rules_version: 'seed' });
    }
  });
  afterAll(async () => {
    await platform.stop();
  });

  const runs = (token: string, site = PARIS) => call(platform.baseUrl, 'POST', `/api/sites/${site}/audit-runs`, { token });
  const runOf = (runId: string, token = officer) => call(platform.baseUrl, 'GET', `/api/audit-runs/${runId}`, { token });

  const completed = (runId: string) => finishedAuditRun(platform.baseUrl, officer, runId);

  async function auditNow(): Promise<any> {
    const started = await runs(officer);
    expect(started.status).toBe(202);
    return completed(started.body.runId);
  }

  const dataFixTasks = async (status?: string) =>
    (await call(platform.baseUrl, 'GET', `/api/tasks?type=data_fix&site=${PARIS}${status ? `&status=${status}` : ''}&limit=500`, { token: officer })).body.tasks;

  let firstRun: any;

  it('runs every check type inside PostgreSQL over the site\'s current records, with exact counts', async () => {
    firstRun = await auditNow();
    expect(firstRun).toMatchObject({ siteId: PARIS, status: 'completed', previousRunId: null });
    expect(firstRun.workflowId).toMatch(/^audit:fr-paris-hq:\d{4}-\d{2}-\d{2}T/);
    expect(firstRun.progress).toEqual({ checksDone: 11, checksTotal: 11, rowsScanned: 14, rowsTotal: 14 });
    const counts = Object.fromEntries(firstRun.scorecard.map((score: any) => [score.checkId, [score.rowsChecked, score.rowsFailed]]));
    expect(counts).toEqual(EXPECTED);
    const email = firstRun.scorecard.find((score: any) => score.checkId === 'validity-email');
    expect(email).toMatchObject({ type: 'validity', severity: 'critical', threshold: 0.995, failedPercent: 7.6923, passed: false });
    // every failing row is newly failing on a site's first audit
    expect(firstRun.trend.find((trend: any) => trend.checkId === 'conformity-site-rules')).toEqual({
      checkId: 'conformity-site-rules',
      previousFailedPercent: null,
      delta: null,
      newlyFailing: 3,
    });
  });

  it('keeps the failing rows with their reasons, never their values', async () => {
    const { rows, total } = await failingRowsPage(platform.database.db, firstRun.id, 'conformity-site-rules', { limit: 10, offset: 0 });
    expect(total).toBe(3);
    const reasons = Object.fromEntries(rows.map((row) => [row.sourceId, row.reason]));
    expect(reasons).toEqual({
      'no-given-name': 'missing: givenName',
      'bad-national-id': "nationalId: does not match the site's pattern",
      'no-contact': 'missing: email',
    });
    const birthDates = await failingRowsPage(platform.database.db, firstRun.id, 'validity-birth-date', { limit: 10, offset: 0 });
    expect(Object.fromEntries(birthDates.rows.map((row) => [row.sourceId, row.reason]))).toEqual({
      'no-such-date': 'birthDate: not a real date',
      'too-old': 'birthDate: not a plausible age',
    });
  });

  it('streams every failing row of a check as CSV', async () => {
    const response = await fetch(`${platform.baseUrl}/api/audit-runs/${firstRun.id}/failing-rows.csv?check=consistency-phone-country`, {
      headers: { authorization: `Bearer ${officer}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toBe('check_id,source_record_id,customer_id,source_system,source_id,reason');
    expect(lines.slice(1).sort()).toEqual(
      ['national-phone', 'german-phone']
        .map((label) => `consistency-phone-country,${ids[label]},${customers[label]},seed,${label},phone: calling code is not the one of the record's country`)
        .sort(),
    );
    const unknown = await call(platform.baseUrl, 'GET', `/api/audit-runs/${firstRun.id}/failing-rows.csv?check=nope`, { token: officer });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/one of completeness-identity, /);
  });

  it('opens one data-fix task per customer for failing checks at or above the rules\' severity', async () => {
    const tasks = await dataFixTasks('open');
    // high and critical checks that failed: identity, email, uniqueness, conformity
    const bySourceRecord = new Map<string, string[]>();
    for (const task of tasks) {
      for (const problem of task.details.problems) bySourceRecord.set(problem.sourceRecordId, [...(bySourceRecord.get(problem.sourceRecordId) ?? []), problem.checkId].sort());
    }
    expect(tasks).toHaveLength(6);
    expect(bySourceRecord.get(ids['no-given-name']!)).toEqual(['completeness-identity', 'conformity-site-rules']);
    expect(bySourceRecord.get(ids['bad-email']!)).toEqual(['validity-email']);
    expect(bySourceRecord.get(ids['pending-review']!)).toEqual(['uniqueness-open-duplicates']);
    expect(bySourceRecord.has(ids['wrong-city']!)).toBe(false);
    const pending = tasks.find((task: any) => task.sourceRecordId === ids['pending-review']);
    expect(pending).toMatchObject({ customerId: null, workflowId: firstRun.workflowId, status: 'open' });
  });

  it('does not open a second task for the same open problem, and compares with the previous run', async () => {
    const second = await auditNow();
    expect(second.previousRunId).toBe(firstRun.id);
    expect(second.trend.every((trend: any) => trend.delta === 0 && trend.newlyFailing === 0)).toBe(true);
    expect(await dataFixTasks('open')).toHaveLength(6);
    expect(await dataFixTasks()).toHaveLength(6);
  });

  it('resolves a task once a later audit no longer finds its problem', async () => {
    const { db } = platform.database;
    await db('source_records').where({ id: ids['bad-email'] }).update({ record: JSON.stringify(CLEAN), updated_at: db.fn.now() });
    const third = await auditNow();
    const email = third.trend.find((trend: any) => trend.checkId === 'validity-email');
    expect(email.delta).toBeCloseTo(-7.6923, 4);
    expect(await dataFixTasks('open')).toHaveLength(5);
    const [resolved] = await dataFixTasks('resolved');
    expect(resolved).toMatchObject({ customerId: customers['bad-email'], decision: 'fixed', decidedBy: 'audit', decidedVia: 'audit' });
  });

  it('pages through the site in the workflow as it does with one page', async () => {
    const workflowId = `audit:${PARIS}:small-pages`;
    const runId = await platform.client.workflow.execute('auditRun', { taskQueue: platform.taskQueue, workflowId, args: [{ siteId: PARIS, pageSize: 3 }] });
    const run = (await runOf(runId)).body;
    expect(run).toMatchObject({ workflowId, status: 'completed', progress: { rowsScanned: 14, rowsTotal: 14 } });
    expect(Object.fromEntries(run.scorecard.map((score: any) => [score.checkId, [score.rowsChecked, score.rowsFailed]]))).toEqual({
      ...EXPECTED,
      'validity-email': [13, 0],
    });
    expect(Number((await platform.database.db('audit_pages').where({ run_id: runId }).count('* as n'))[0].n)).toBe(5);
  });

  it('lists a site\'s runs with their scorecards, newest first', async () => {
    const { status, body } = await call(platform.baseUrl, 'GET', `/api/sites/${PARIS}/audit-runs?limit=2`, { token: officer });
    expect(status).toBe(200);
    expect(body.total).toBe(4);
    expect(body.runs).toHaveLength(2);
    expect(body.runs[0].workflowId).toBe(`audit:${PARIS}:small-pages`);
    expect(body.runs[0].scorecard).toHaveLength(11);
  });

  it('lets only the site\'s compliance officers and admins audit it', async () => {
    const steward = await platform.tokenFor(['steward'], [PARIS]);
    const lyonOfficer = await platform.tokenFor(['compliance'], [LYON]);
    const admin = await platform.tokenFor(['admin'], ['*']);
    expect((await runs(steward)).status).toBe(403);
    expect((await runs(lyonOfficer)).status).toBe(403);
    expect((await runOf(firstRun.id, steward)).status).toBe(403);
    expect((await runOf(firstRun.id, lyonOfficer)).status).toBe(403);
    expect((await call(platform.baseUrl, 'GET', `/api/sites/${PARIS}/audit-runs`, { token: lyonOfficer })).status).toBe(403);
    expect((await runOf(firstRun.id, admin)).status).toBe(200);
    expect((await runOf('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await runOf('not-a-run')).status).toBe(404);
    expect((await runs(officer, 'atlantis')).status).toBe(404);
  });

  it('counts a page once when it is run again, and caps the failing rows kept per check', async () => {
    const { db } = platform.database;
    const capped: SiteRulesSource = {
      siteIds: () => platform.rules.siteIds(),
      forSite: (siteId) => {
        const versioned = platform.rules.forSite(siteId)!;
        return { ...versioned, rules: { ...versioned.rules, audits: { ...versioned.rules.audits, failingRowsKept: 1 } } };
      },
    };
    const activities = createAuditActivities({ db, rules: capped, heartbeat: () => undefined });
    const { runId } = await activities.beginAuditRun({ siteId: PARIS, workflowId: 'audit:fr-paris-hq:paged' });
    let afterId = FIRST_PAGE_AFTER;
    for (let pageNumber = 0; ; pageNumber++) {
      const input = { runId, pageNumber, afterId, pageSize: 4 };
      await activities.auditPage(input);
      const page = await activities.auditPage(input); // a retry of the same page
      if (pageNumber === 0) {
        // progress shows while the run pages
        const running = await runOf(runId);
        expect(running.body).toMatchObject({ status: 'running', progress: { checksDone: 0, checksTotal: 11, rowsScanned: 4, rowsTotal: 14 } });
      }
      if (page.done || page.lastId === null) break;
      afterId = page.lastId;
    }
    await activities.scoreAuditRun({ runId });
    const run = (await getAuditRun(db, runId))!;
    expect(run.progress.rowsScanned).toBe(14);
    const counts = Object.fromEntries(run.scorecard.map((score) => [score.checkId, [score.rowsChecked, score.rowsFailed]]));
    expect(counts).toEqual({ ...EXPECTED, 'validity-email': [13, 0] });
    const kept = await failingRowsPage(db, runId, 'conformity-site-rules', { limit: 10, offset: 0 });
    expect([kept.kept, kept.total]).toEqual([1, 3]);
  });
});
