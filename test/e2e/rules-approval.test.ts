import { demoSiteRuleFile, globalRuleFile } from '../support/rule-files';
import { call, startTestPlatform, type TestPlatform } from '../support/platform';

const PARIS = 'fr-paris-hq';
const LYON = 'fr-lyon-store';

describe('a second admin approves publications when the global rules ask for it', () => {
  let platform: TestPlatform;
  let ops: string;
  let ops2: string;
  let parisAdmin: string;
  let lyonAdmin: string;

  beforeAll(async () => {
    platform = await startTestPlatform({ withWorker: false });
    ops = await platform.tokenFor(['admin'], ['*'], 'ops@test.example');
    ops2 = await platform.tokenFor(['admin'], ['*'], 'ops2@test.example');
    parisAdmin = await platform.tokenFor(['admin'], [PARIS], 'admin@paris.example');
    lyonAdmin = await platform.tokenFor(['admin'], [LYON]);
  });
  afterAll(() => platform.stop());

  const api = (method: string, path: string, token: string, body?: unknown) => call(platform.baseUrl, method, path, { token, body });
  const parisWithAutoLink = (autoLink: number) => {
    const site = demoSiteRuleFile(PARIS);
    return { ...site, matching: { ...site.matching, thresholds: { autoLink, review: 0.7 } } };
  };

  it('takes effect from the next publication: the one that switches it on is published at once', async () => {
    const response = await api('POST', '/api/rules/global/publish', ops, {
      content: { ...globalRuleFile(), administration: { secondAdminApproval: true } },
      baseVersion: 1,
      comment: 'four eyes on rule changes',
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ state: 'published', version: 2 });
  });

  let approvalId: string;

  it('keeps a publication pending, changing nothing, until another admin of the scope approves it', async () => {
    const before = platform.rules.forSite(PARIS)!.version;
    const pending = await api('POST', `/api/rules/${PARIS}/publish`, parisAdmin, { content: parisWithAutoLink(0.9), baseVersion: 1, comment: 'fewer reviews' });
    expect(pending.status).toBe(202);
    expect(pending.body).toMatchObject({ state: 'pending', scope: PARIS, baseVersion: 1 });
    approvalId = pending.body.approvalId;
    expect(platform.rules.forSite(PARIS)!.version).toBe(before);
    expect((await api('GET', `/api/rules/${PARIS}/versions`, parisAdmin)).body.versions).toHaveLength(1);

    const listed = await api('GET', `/api/rules/${PARIS}/approvals`, ops2);
    expect(listed.body.approvals).toEqual([
      expect.objectContaining({ approvalId, comment: 'fewer reviews', changes: [{ pointer: '/matching/thresholds/autoLink', before: 0.97, after: 0.9 }] }),
    ]);

    const self = await api('POST', `/api/rules/${PARIS}/approvals/${approvalId}/approve`, parisAdmin);
    expect(self.status).toBe(403);
    expect(self.body.error.message).toContain('second admin');
    expect((await api('POST', `/api/rules/${PARIS}/approvals/${approvalId}/approve`, lyonAdmin)).status).toBe(403);

    const approved = await api('POST', `/api/rules/${PARIS}/approvals/${approvalId}/approve`, ops2);
    expect(approved.status).toBe(201);
    expect(approved.body).toMatchObject({ state: 'published', version: 2, comment: 'fewer reviews' });
    expect(platform.rules.forSite(PARIS)!.rules.matching.thresholds.autoLink).toBe(0.9);
    const [latest] = (await api('GET', `/api/rules/${PARIS}/versions`, parisAdmin)).body.versions;
    expect(latest).toMatchObject({ version: 2, authorEmail: 'admin@paris.example', approvedByEmail: 'ops2@test.example' });

    expect((await api('POST', `/api/rules/${PARIS}/approvals/${approvalId}/approve`, ops)).status).toBe(409);
  });

  it('refuses (409) to approve a publication whose base was overtaken, and keeps it from being approved again', async () => {
    const [first, second] = [
      await api('POST', `/api/rules/${PARIS}/publish`, parisAdmin, { content: parisWithAutoLink(0.91), baseVersion: 2, comment: 'one' }),
      await api('POST', `/api/rules/${PARIS}/publish`, parisAdmin, { content: parisWithAutoLink(0.92), baseVersion: 2, comment: 'other' }),
    ];
    expect((await api('POST', `/api/rules/${PARIS}/approvals/${first.body.approvalId}/approve`, ops)).status).toBe(201);
    const overtaken = await api('POST', `/api/rules/${PARIS}/approvals/${second.body.approvalId}/approve`, ops);
    expect(overtaken.status).toBe(409);
    expect(overtaken.body.error.message).toMatch(/is at version 3, not 2/);
    const again = await api('POST', `/api/rules/${PARIS}/approvals/${second.body.approvalId}/approve`, ops);
    expect(again.body.error.message).toMatch(/was superseded/);
    expect((await api('GET', `/api/rules/${PARIS}/approvals`, ops)).body.approvals).toEqual([]);
  });

  it('writes the request and the publication to change_log, with who approved it', async () => {
    const entries = await platform.database.db('change_log').where({ entity_type: 'rules', entity_id: PARIS }).orderBy('id');
    expect(entries.map((entry) => entry.action)).toEqual(['rules_approval_requested', 'rules_published', 'rules_approval_requested', 'rules_approval_requested', 'rules_published']);
    const users = await platform.database.db('users').select('id', 'email');
    const idOf = (email: string) => users.find((user) => user.email === email).id;
    expect(entries[1]).toMatchObject({ actor: idOf('admin@paris.example'), after: { version: 2, approvedBy: idOf('ops2@test.example') } });
  });
});
