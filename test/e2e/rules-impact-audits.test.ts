import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../api/openapi';
import type { CustomerRecord } from '../../core/customer';
import { CLEAN_PARIS_RECORD } from '../support/audit-records';
import { demoSiteRuleFile } from '../support/rule-files';
import { call, startTestPlatform, type TestPlatform } from '../support/platform';

const PARIS = 'fr-paris-hq';
const ROWS = 300;

const CLEAN = CLEAN_PARIS_RECORD;

/** 300 current Paris records: one malformed email, two without a phone, the rest clean. Under the
 * Paris rules (validity-email at 0.995) 1 failing email of 300 passes: 99.67% are well formed. */
function seededRecord(index: number): CustomerRecord {
  if (index === 0) return { ...CLEAN, email: 'ann.lee(at)example.fr' };
  if (index === 1 || index === 2) return { ...CLEAN, phone: undefined };
  return CLEAN;
}

/** The OpenAPI document's RuleImpact schema, to hold the answers to what the document promises. */
function ruleImpactValidator() {
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi.json', components: openApiDocument.components });
  return ajv.compile({ $ref: 'openapi.json#/components/schemas/RuleImpact' });
}

/** Every table an audit run or its fix tasks write, and the data the preview reads. */
const WATCHED = ['audit_runs', 'audit_pages', 'audit_check_pages', 'audit_failing_rows', 'audit_check_results', 'tasks', 'source_records', 'customers', 'change_log'];

describe('impact preview of a draft on the audit scores, on seeded data', () => {
  let platform: TestPlatform;
  let admin: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    admin = await platform.tokenFor(['admin'], [PARIS]);
    const { db } = platform.database;
    const customers = await db('customers')
      .insert(Array.from({ length: ROWS }, () => ({ home_site_id: PARIS, record: '{}', provenance: '{}', rules_version: 'seed' })))
      .returning('id');
    await db('source_records').insert(
      customers.map(({ id }: { id: string }, index: number) => {
        const record = JSON.stringify(Object.fromEntries(Object.entries(seededRecord(index)).filter(([, value]) => value !== undefined)));
        return { site_id: PARIS, source_system: 'seed', source_id: `S-${index}`, status: 'linked', customer_id: id, raw: record, raw_hash: `S-${index}`, record };
      }),
    );
  });
  afterAll(() => platform.stop());

  const impactOf = async (content: unknown, body?: unknown) => {
    const draft = await call(platform.baseUrl, 'POST', `/api/rules/${PARIS}/drafts`, { token: admin, body: { content } });
    expect(draft.status).toBe(201);
    const impact = await call(platform.baseUrl, 'POST', `/api/rules/${PARIS}/drafts/${draft.body.id}/impact`, { token: admin, body });
    expect(impact.status).toBe(200);
    const validate = ruleImpactValidator();
    expect(validate(impact.body) ? [] : validate.errors).toEqual([]);
    return impact.body.sites[0].audits;
  };
  const checkOf = (audits: any, checkId: string) => audits.checks.find((check: { checkId: string }) => check.checkId === checkId);
  const counts = async () => Object.fromEntries(await Promise.all(WATCHED.map(async (table) => [table, Number((await platform.database.db(table).count({ n: '*' }).first())!.n)])));

  const paris = () => demoSiteRuleFile(PARIS);
  /** Paris's checks with the email threshold raised to 99.9% and a phone completeness check added. */
  const stricter = () => ({
    ...paris(),
    audits: {
      checks: [
        { id: 'validity-email', threshold: 0.999, severity: 'critical' },
        { id: 'completeness-contact', threshold: 0.95, severity: 'medium' },
        { id: 'completeness-phone', type: 'completeness', description: 'A phone number is present', fields: ['phone'], threshold: 0.995, severity: 'high' },
      ],
    },
  });

  it('a higher email threshold fails the check that passes now; an added phone check fails 2 of 300; nothing is written', async () => {
    const before = await counts();
    const audits = await impactOf(stricter());
    expect(audits).toMatchObject({
      changed: true,
      computed: true,
      total: ROWS,
      examined: ROWS,
      sampled: false,
      added: ['completeness-phone'],
      removed: [],
      wouldStartFailing: ['validity-email', 'completeness-phone'],
      wouldStartPassing: [],
      fixTaskChecks: { now: [], draft: ['validity-email', 'completeness-phone'] },
      // an audit now opens none; under the draft, one for the malformed email and one per missing phone
      fixTasks: { now: { wouldOpen: 0, wouldResolve: 0 }, draft: { wouldOpen: 3, wouldResolve: 0 } },
    });
    expect(checkOf(audits, 'validity-email')).toEqual({
      checkId: 'validity-email',
      change: 'changed',
      now: { rowsChecked: 300, rowsFailed: 1, failedPercent: 0.3333, threshold: 0.995, severity: 'critical', passed: true },
      draft: { rowsChecked: 300, rowsFailed: 1, failedPercent: 0.3333, threshold: 0.999, severity: 'critical', passed: false },
    });
    expect(checkOf(audits, 'completeness-phone')).toEqual({
      checkId: 'completeness-phone',
      change: 'added',
      now: null,
      draft: { rowsChecked: 300, rowsFailed: 2, failedPercent: 0.6667, threshold: 0.995, severity: 'high', passed: false },
    });
    expect(checkOf(audits, 'completeness-contact')).toMatchObject({ change: 'unchanged', now: { rowsFailed: 2, passed: true }, draft: { rowsFailed: 2, passed: true } });
    expect(await counts()).toEqual(before);
  });

  it('a required phone makes the conformity check read it: 0 failing now, 2 under the draft', async () => {
    const site = paris();
    const audits = await impactOf({ ...site, fields: { ...site.fields, required: [...site.fields!.required!, 'phone'] } });
    expect(checkOf(audits, 'conformity-site-rules')).toEqual({
      checkId: 'conformity-site-rules',
      change: 'unchanged',
      now: { rowsChecked: 300, rowsFailed: 0, failedPercent: 0, threshold: 0.98, severity: 'high', passed: true },
      draft: { rowsChecked: 300, rowsFailed: 2, failedPercent: 0.6667, threshold: 0.98, severity: 'high', passed: true },
    });
    expect(audits).toMatchObject({ added: [], removed: [], wouldStartFailing: [], wouldStartPassing: [] });
  });

  it('samples beyond the limit and says so, scoring both sides over the same rows', async () => {
    const audits = await impactOf(stricter(), { sampleLimit: 100 });
    expect(audits).toMatchObject({ computed: true, total: ROWS, examined: 100, sampled: true });
    const phone = checkOf(audits, 'completeness-phone');
    const contact = checkOf(audits, 'completeness-contact');
    expect(phone.draft.rowsChecked).toBe(100);
    // the rows without a phone in the sample fail both checks, under both sides alike
    expect(contact.now.rowsFailed).toBe(phone.draft.rowsFailed);
    expect(contact.draft.rowsFailed).toBe(phone.draft.rowsFailed);
    // the same data gives the same sample
    expect(await impactOf(stricter(), { sampleLimit: 100 })).toEqual(audits);
  });

  it('leaves the audits alone when the draft changes neither the checks nor what they read', async () => {
    const audits = await impactOf({ ...paris(), matching: { thresholds: { autoLink: 0.96, review: 0.7 } } });
    expect(audits).toEqual({ changed: false });
  });

  /** Runs an audit of Paris now, as a compliance officer would, and waits for its scorecard. */
  async function auditNow(): Promise<any> {
    const started = await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/audit-runs`, { token: admin });
    expect(started.status).toBe(202);
    for (let attempt = 0; attempt < 150; attempt++) {
      const run = (await call(platform.baseUrl, 'GET', `/api/audit-runs/${started.body.runId}`, { token: admin })).body;
      if (run.status === 'completed') return run;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('the audit run did not complete');
  }
  const scoresOf = (run: any) => Object.fromEntries(run.scorecard.map((score: any) => [score.checkId, [score.rowsChecked, score.rowsFailed, score.passed]]));
  const previewedOf = (audits: any, side: 'now' | 'draft') =>
    Object.fromEntries(audits.checks.filter((check: any) => check[side]).map((check: any) => [check.checkId, [check[side].rowsChecked, check[side].rowsFailed, check[side].passed]]));
  const openFixTasks = async () => Number((await platform.database.db('tasks').where({ site_id: PARIS, type: 'data_fix', status: 'open' }).count({ n: '*' }).first())!.n);

  it('previews exactly what an audit run finds under the rules in force, and under the draft once it is published', async () => {
    const draft = await call(platform.baseUrl, 'POST', `/api/rules/${PARIS}/drafts`, { token: admin, body: { content: stricter() } });
    const audits = (await call(platform.baseUrl, 'POST', `/api/rules/${PARIS}/drafts/${draft.body.id}/impact`, { token: admin })).body.sites[0].audits;

    expect(scoresOf(await auditNow())).toEqual(previewedOf(audits, 'now'));
    expect(await openFixTasks()).toBe(audits.fixTasks.now.wouldOpen);

    const published = await call(platform.baseUrl, 'POST', `/api/rules/${PARIS}/publish`, { token: admin, body: { draftId: draft.body.id, comment: 'stricter audits' } });
    expect(published.status).toBe(201);
    const version = published.body.rulesVersions[PARIS];
    const deadline = Date.now() + 10_000;
    while (platform.workerRules.forSite(PARIS)?.version !== version) {
      if (Date.now() > deadline) throw new Error(`the worker never took rules version ${version}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(scoresOf(await auditNow())).toEqual(previewedOf(audits, 'draft'));
    expect(await openFixTasks()).toBe(audits.fixTasks.draft.wouldOpen);
  });
});
