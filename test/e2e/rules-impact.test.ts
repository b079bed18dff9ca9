import { decidingPairsOfSite } from '../../store/rule-impact';
import { demoSiteRuleFile } from '../support/rule-files';
import { call, startTestPlatform, type TestPlatform } from '../support/platform';

const PARIS = 'fr-paris-hq';

/** Seeded through onboarding under the demo Paris rules (autoLink 0.97, review 0.7):
 * two near duplicates wait for review (0.7-0.8), one person sent twice is linked. */
const seeds: Array<[string, string, Record<string, string>, string]> = [
  ['crm', 'A1', { givenName: 'Marie-Hélène', familyName: 'Dupont', email: 'marie.dupont@example.fr', country: 'FR' }, 'created'],
  ['erp', 'B1', { givenName: 'Marie-Hélène', familyName: 'Dupond', email: 'mh.dupond@example.org', country: 'FR' }, 'review'],
  ['crm', 'A2', { givenName: 'Anne-Sophie', familyName: 'Moreau', email: 'anne.moreau@example.fr', country: 'FR' }, 'created'],
  ['erp', 'B2', { givenName: 'Anne-Sophie', familyName: 'Moreal', email: 'as.moreal@example.org', country: 'FR' }, 'review'],
  ['crm', 'C1', { givenName: 'Jean', familyName: 'Valjean', email: 'jean.valjean@example.fr', phone: '06 11 11 11 11', country: 'FR' }, 'created'],
  ['erp', 'C2', { givenName: 'Jean', familyName: 'Valjean', email: 'jean.valjean@example.fr', phone: '06 22 22 22 22', country: 'FR' }, 'linked'],
];

describe('impact preview of a draft, on seeded data', () => {
  let platform: TestPlatform;
  let admin: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    admin = await platform.tokenFor(['admin'], [PARIS]);
    for (const [sourceSystem, sourceId, record, outcome] of seeds) {
      const response = await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/customers`, { token: admin, body: { sourceSystem, sourceId, record } });
      expect(response.body.outcome.outcome).toBe(outcome);
    }
  });
  afterAll(() => platform.stop());

  const impactOf = async (content: unknown, body?: unknown) => {
    const draft = await call(platform.baseUrl, 'POST', `/api/rules/${PARIS}/drafts`, { token: admin, body: { content } });
    expect(draft.status).toBe(201);
    const impact = await call(platform.baseUrl, 'POST', `/api/rules/${PARIS}/drafts/${draft.body.id}/impact`, { token: admin, body });
    expect(impact.status).toBe(200);
    return impact.body;
  };
  const paris = () => demoSiteRuleFile(PARIS);
  const withThresholds = (autoLink: number, review: number) => ({ ...paris(), matching: { thresholds: { autoLink, review } } });
  const snapshot = async () => ({
    tasks: await platform.database.db('tasks').orderBy('id').select('id', 'status'),
    customers: await platform.database.db('customers').orderBy('id').select('id', 'record', 'version'),
    links: await platform.database.db('source_records').orderBy('id').select('id', 'status', 'customer_id'),
    publications: await platform.database.db('rule_publications').count({ n: '*' }).first(),
  });

  it('a lower autoLink threshold would link both waiting near duplicates: two review tasks go, and nothing changes', async () => {
    const before = await snapshot();
    const impact = await impactOf(withThresholds(0.75, 0.5));
    expect(impact.sites).toEqual([
      {
        siteId: PARIS,
        matching: {
          changed: true,
          total: 3,
          examined: 3,
          sampled: false,
          pairs: 3,
          bandChanges: [{ from: 'review', to: 'autoLink', count: 2 }],
          linksChangingBand: 0,
          reviewTasks: { wouldAppear: 0, wouldGo: 2 },
        },
        survivorship: { changed: false },
        audits: { changed: false },
      },
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('a higher review threshold would keep them apart; a higher autoLink threshold would send the link to review', async () => {
    const apart = await impactOf(withThresholds(0.97, 0.9));
    expect(apart.sites[0].matching).toMatchObject({ bandChanges: [{ from: 'review', to: 'distinct', count: 2 }], reviewTasks: { wouldAppear: 0, wouldGo: 2 } });
    const strict = await impactOf(withThresholds(1, 0.7));
    expect(strict.sites[0].matching).toMatchObject({ bandChanges: [{ from: 'autoLink', to: 'review', count: 1 }], linksChangingBand: 1, reviewTasks: { wouldAppear: 1, wouldGo: 0 } });
  });

  it('counts for each pair how common its values are among the other stored persons, as onboarding did', async () => {
    const { rows } = await decidingPairsOfSite(platform.database.db, PARIS, 100, ['familyName']);
    // three golden records (Dupont, Moreau, Valjean); Valjean's second record shares its name with the first
    expect(rows.find((row) => row.record.familyName === 'Valjean')?.frequencies).toEqual({ familyName: { withValue: 1, withAnyValue: 3 } });
    expect(rows.find((row) => row.record.familyName === 'Dupond')?.frequencies).toEqual({ familyName: { withValue: 0, withAnyValue: 3 } });
  });

  it('counts the golden records whose values another survivorship would change', async () => {
    const site = paris();
    const impact = await impactOf({ ...site, survivorship: { ...site.survivorship, fields: { phone: 'sourcePriority' }, sourcePriority: ['crm', 'erp'] } });
    expect(impact.sites[0].survivorship).toEqual({ changed: true, total: 3, examined: 3, sampled: false, goldenRecords: 3, changing: 1, fieldChanges: { phone: 1 } });
    expect(impact.sites[0].matching).toEqual({ changed: false });
  });

  it('samples beyond the limit and says so', async () => {
    const impact = await impactOf(withThresholds(0.75, 0.5), { sampleLimit: 2 });
    expect(impact.sampleLimit).toBe(2);
    expect(impact.sites[0].matching).toMatchObject({ total: 3, examined: 2, sampled: true, pairs: 2 });
  });

  it('scores the audit checks under the rules in force and under the draft, over the same records', async () => {
    // the draft lists only completeness-contact at 0.9: Paris's tightening of validity-email goes
    const impact = await impactOf({ ...paris(), audits: { checks: [{ id: 'completeness-contact', threshold: 0.9 }] } });
    const audits = impact.sites[0].audits;
    expect(audits).toMatchObject({ changed: true, computed: true, total: 6, examined: 6, sampled: false, added: [], removed: [] });
    const check = (id: string) => audits.checks.find((one: { checkId: string }) => one.checkId === id);
    // four of the six records have no phone
    expect(check('completeness-contact')).toEqual({
      checkId: 'completeness-contact',
      change: 'changed',
      now: { rowsChecked: 6, rowsFailed: 4, failedPercent: 66.6667, threshold: 0.95, severity: 'medium', passed: false },
      draft: { rowsChecked: 6, rowsFailed: 4, failedPercent: 66.6667, threshold: 0.9, severity: 'low', passed: false },
    });
    expect(check('validity-email')).toEqual({
      checkId: 'validity-email',
      change: 'changed',
      now: { rowsChecked: 6, rowsFailed: 0, failedPercent: 0, threshold: 0.995, severity: 'critical', passed: true },
      draft: { rowsChecked: 6, rowsFailed: 0, failedPercent: 0, threshold: 0.98, severity: 'high', passed: true },
    });
    // the two records waiting for review are open duplicates under both
    expect(check('uniqueness-open-duplicates')).toMatchObject({ change: 'unchanged', now: { rowsFailed: 2, passed: false }, draft: { rowsFailed: 2, passed: false } });
    expect(audits).toMatchObject({ wouldStartFailing: [], wouldStartPassing: [], fixTaskChecks: { now: ['uniqueness-open-duplicates'], draft: ['uniqueness-open-duplicates'] } });
  });
});
