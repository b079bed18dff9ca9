import { demoSiteRuleFile, globalRuleFile } from '../support/rule-files';
import { call, startTestPlatform, type TestPlatform } from '../support/platform';

const PARIS = 'fr-paris-hq';
const LYON = 'fr-lyon-store';

/** Two pairs of the same shape: a customer, and a near duplicate (one letter of the family name,
 * another email) that the demo Paris rules send to review. */
const pairs = [
  {
    customer: { givenName: 'Marie-Hélène', familyName: 'Dupont', email: 'marie.dupont@example.fr', country: 'FR' },
    nearDuplicate: { givenName: 'Marie-Hélène', familyName: 'Dupond', email: 'mh.dupond@example.org', country: 'FR' },
  },
  {
    customer: { givenName: 'Anne-Sophie', familyName: 'Moreau', email: 'anne.moreau@example.fr', country: 'FR' },
    nearDuplicate: { givenName: 'Anne-Sophie', familyName: 'Moreal', email: 'as.moreal@example.org', country: 'FR' },
  },
];

describe('admins edit the rules while the platform runs', () => {
  let platform: TestPlatform;
  let admin: string;
  let parisAdmin: string;
  let lyonAdmin: string;
  let parisSteward: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    admin = await platform.tokenFor(['admin'], ['*'], 'ops@test.example');
    parisAdmin = await platform.tokenFor(['admin'], [PARIS], 'admin@paris.example');
    lyonAdmin = await platform.tokenFor(['admin'], [LYON]);
    parisSteward = await platform.tokenFor(['steward'], [PARIS]);
  });
  afterAll(() => platform.stop());

  const api = (method: string, path: string, token: string, body?: unknown) => call(platform.baseUrl, method, path, { token, body });
  const onboard = (sourceId: string, record: Record<string, string>) =>
    api('POST', `/api/sites/${PARIS}/customers`, admin, { sourceSystem: 'crm', sourceId, record });
  const parisWithThresholds = (autoLink: number, review: number) => {
    const site = demoSiteRuleFile(PARIS);
    return { ...site, matching: { ...site.matching, thresholds: { autoLink, review } } };
  };
  /** The worker is another process in a deployment: it finds a publication at its next poll. */
  const workerUses = async (version: string) => {
    const deadline = Date.now() + 10_000;
    while (platform.workerRules.forSite(PARIS)?.version !== version) {
      if (Date.now() > deadline) throw new Error(`the worker never took rules version ${version}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('lists the current versions: the rule files, imported as version 1', async () => {
    const response = await api('GET', '/api/rules', parisAdmin);
    expect(response.status).toBe(200);
    expect(response.body.scopes.map((scope: { scope: string; version: number }) => [scope.scope, scope.version])).toEqual([
      ['global', 1],
      [PARIS, 1],
    ]);
    expect(response.body.scopes[1]).toMatchObject({ file: `sites/${PARIS}.json`, author: 'rules-files', rulesVersion: platform.rules.forSite(PARIS)!.version });
    const global = await api('GET', '/api/rules/global/versions/current', parisAdmin);
    expect(global.body.content).toEqual(globalRuleFile());
  });

  it('refuses a change of a locked value and an invalid draft, naming each JSON pointer', async () => {
    const locked = { ...demoSiteRuleFile(PARIS), matching: { priorProbability: 0.5 } };
    const validation = await api('POST', `/api/rules/${PARIS}/validate`, parisAdmin, { content: locked });
    expect(validation.status).toBe(200);
    expect(validation.body).toEqual({
      valid: false,
      errors: [{ file: `sites/${PARIS}.json`, pointer: '/matching/priorProbability', reason: expect.stringContaining('locked by global.json') }],
    });

    const invalid = { ...demoSiteRuleFile(PARIS), normalisation: { nameCase: 'shouting' }, sla: { reviewRemindAfter: 'soon' } };
    const draft = await api('POST', `/api/rules/${PARIS}/drafts`, parisAdmin, { content: invalid });
    expect(draft.status).toBe(422);
    expect(draft.body.error.code).toBe('invalid_rules');
    expect(draft.body.error.details.errors.map((error: { pointer: string }) => error.pointer).sort()).toEqual(['/normalisation/nameCase', '/sla/reviewRemindAfter']);

    const broken = await api('POST', `/api/rules/${PARIS}/drafts`, parisAdmin, { text: '{ "site": ' });
    expect(broken.status).toBe(422);
    expect(broken.body.error.details.errors[0].reason).toMatch(/^invalid JSON at line 1, column 11/);

    const lockedPublish = await api('POST', `/api/rules/${PARIS}/publish`, parisAdmin, { content: locked, baseVersion: 1, comment: 'try' });
    expect(lockedPublish.status).toBe(422);
    expect((await api('GET', `/api/rules/${PARIS}/versions`, parisAdmin)).body.versions).toHaveLength(1);
  });

  it('refuses a global change that would break a site file, naming the site file and pointer', async () => {
    const global = globalRuleFile();
    const response = await api('POST', '/api/rules/global/publish', admin, {
      content: { ...global, locks: [...global.locks, '/matching/thresholds'] },
      baseVersion: 1,
      comment: 'one set of thresholds for all',
    });
    expect(response.status).toBe(422);
    expect(response.body.error.details.errors).toContainEqual({
      file: `sites/${LYON}.json`,
      pointer: '/matching/thresholds/autoLink',
      reason: expect.stringContaining('locked by global.json (lock "/matching/thresholds")'),
    });
  });

  it('refuses stewards, and admins of other sites; global changes need an admin of all sites (403)', async () => {
    const change = { content: parisWithThresholds(0.9, 0.6), baseVersion: 1, comment: 'x' };
    expect((await api('GET', '/api/rules', parisSteward)).status).toBe(403);
    expect((await api('POST', `/api/rules/${PARIS}/publish`, parisSteward, change)).status).toBe(403);
    expect((await api('GET', `/api/rules/${PARIS}/versions`, lyonAdmin)).status).toBe(403);
    const lyon = await api('POST', `/api/rules/${PARIS}/publish`, lyonAdmin, change);
    expect(lyon.status).toBe(403);
    expect(lyon.body.error.message).toContain(`site "${PARIS}"`);
    expect((await api('POST', `/api/rules/${PARIS}/drafts`, lyonAdmin, { content: change.content })).status).toBe(403);
    const global = await api('POST', '/api/rules/global/publish', parisAdmin, { content: globalRuleFile(), baseVersion: 1, comment: 'x' });
    expect(global.status).toBe(403);
    expect(global.body.error.message).toContain('admins of all sites');
    expect((await api('GET', `/api/rules/${PARIS}/versions`, parisAdmin)).body.versions).toHaveLength(1);
  });

  let originalVersion: string;
  let publishedVersion: string;

  it('publishes a change of thresholds that the next onboarding uses, without restarting the worker', async () => {
    originalVersion = platform.rules.forSite(PARIS)!.version;
    const created = await onboard('P1-A', pairs[0].customer);
    expect(created.body.outcome.outcome).toBe('created');

    const draft = await api('POST', `/api/rules/${PARIS}/drafts`, parisAdmin, { content: parisWithThresholds(0.75, 0.5) });
    expect(draft.status).toBe(201);
    expect(draft.body.baseVersion).toBe(1);
    const diff = await api('GET', `/api/rules/${PARIS}/diff?to=${draft.body.id}`, parisAdmin);
    expect(diff.body.changes).toEqual([
      { pointer: '/matching/thresholds/autoLink', before: 0.97, after: 0.75 },
      { pointer: '/matching/thresholds/review', before: 0.7, after: 0.5 },
    ]);
    expect(diff.body.text).toContain('-      "autoLink": 0.97,\n-      "review": 0.7\n+      "autoLink": 0.75,\n+      "review": 0.5\n');

    const published = await api('POST', `/api/rules/${PARIS}/publish`, parisAdmin, { draftId: draft.body.id, comment: 'link near duplicates at 75 %' });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ scope: PARIS, version: 2, comment: 'link near duplicates at 75 %' });
    publishedVersion = published.body.rulesVersions[PARIS];
    expect(publishedVersion).not.toBe(originalVersion);
    expect(platform.rules.forSite(PARIS)!.version).toBe(publishedVersion);
    expect((await api('GET', `/api/rules/${PARIS}/drafts/${draft.body.id}`, parisAdmin)).status).toBe(404);

    await workerUses(publishedVersion);
    const linked = await onboard('P1-B', pairs[0].nearDuplicate);
    expect(linked.body.outcome).toMatchObject({ outcome: 'linked', customerId: created.body.outcome.customerId, rulesVersion: publishedVersion });
    expect(linked.body.outcome.probability).toBeGreaterThanOrEqual(0.75);
    expect(linked.body.outcome.probability).toBeLessThan(0.97);
  });

  it('rolls back to the first version, and the next onboarding follows it', async () => {
    const created = await onboard('P2-A', pairs[1].customer);
    const rollback = await api('POST', `/api/rules/${PARIS}/rollback`, parisAdmin, { toVersion: 1, comment: 'too many false links' });
    expect(rollback.status).toBe(201);
    expect(rollback.body).toMatchObject({ version: 3, restoresVersion: 1, rulesVersions: { [PARIS]: originalVersion } });

    await workerUses(originalVersion);
    const review = await onboard('P2-B', pairs[1].nearDuplicate);
    expect(review.body.outcome).toMatchObject({ outcome: 'review', candidateCustomerId: created.body.outcome.customerId, rulesVersion: originalVersion });

    const versions = await api('GET', `/api/rules/${PARIS}/versions`, parisAdmin);
    expect(versions.body.versions.map((version: { version: number; restoresVersion: number | null }) => [version.version, version.restoresVersion])).toEqual([
      [3, 1],
      [2, null],
      [1, null],
    ]);
    expect(versions.body.versions[0]).toMatchObject({ authorEmail: 'admin@paris.example', approvedByEmail: 'admin@paris.example', comment: 'too many false links' });
  });

  it('lets exactly one of two publishes on the same version win; the other gets 409', async () => {
    const [first, second] = await Promise.all([
      api('POST', `/api/rules/${PARIS}/publish`, parisAdmin, { content: parisWithThresholds(0.96, 0.7), baseVersion: 3, comment: 'one' }),
      api('POST', `/api/rules/${PARIS}/publish`, admin, { content: parisWithThresholds(0.98, 0.7), baseVersion: 3, comment: 'other' }),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    const loser = first.status === 409 ? first : second;
    expect(loser.body.error.message).toMatch(/is at version 4, not 3/);
    expect((await api('GET', `/api/rules/${PARIS}/versions`, parisAdmin)).body.versions).toHaveLength(4);
  });

  it('adds a site by publishing its file with base version 0', async () => {
    const lyon = demoSiteRuleFile(LYON);
    const nice = { ...lyon, site: { ...lyon.site, id: 'fr-nice-store', name: 'Nice store' } };
    expect((await api('POST', '/api/rules/fr-nice-store/publish', parisAdmin, { content: nice, baseVersion: 0, comment: 'new store' })).status).toBe(403);
    const published = await api('POST', '/api/rules/fr-nice-store/publish', admin, { content: nice, baseVersion: 0, comment: 'new store' });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ version: 1, rulesVersions: { 'fr-nice-store': expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const sites = await api('GET', '/api/sites', admin);
    expect(sites.body.sites.map((site: { id: string }) => site.id)).toContain('fr-nice-store');
  });

  it('writes every publication to change_log with who approved it', async () => {
    const entries = await platform.database.db('change_log').where({ entity_type: 'rules', entity_id: PARIS }).orderBy('id');
    expect(entries.map((entry) => entry.action)).toEqual(['rules_published', 'rules_rolled_back', 'rules_published']);
    expect(entries[0]).toMatchObject({ site_id: PARIS, before: { version: 1 }, after: { version: 2, approvedBy: entries[0].actor } });
    expect(entries[0].after.changes).toEqual([
      { pointer: '/matching/thresholds/autoLink', before: 0.97, after: 0.75 },
      { pointer: '/matching/thresholds/review', before: 0.7, after: 0.5 },
    ]);
  });
});
