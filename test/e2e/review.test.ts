import type { OutboxMessage } from '../../store/outbox';
import { reviewLinkIn, waitForMail } from '../support/outbox';
import { call, startTestPlatform, type TestPlatform } from '../support/platform';

const PARIS = 'fr-paris-hq';
const PARIS_STEWARD = 'steward@paris.example';

/** A customer with full details, and a record that lands in the Paris review band against it:
 * the same given names, the family name spelt otherwise, another email, nothing else. Each test
 * takes its own person, living elsewhere, so that the tests stay apart. */
function person(givenName: string, familyName: string, nearFamilyName: string, home: { birthDate: string; phone: string; street: string; postcode: string; city: string }) {
  const ascii = (text: string) => text.normalize('NFD').replace(/[^A-Za-z.-]/g, '').toLowerCase();
  const initials = givenName.split('-').map((part) => part[0]).join('');
  return {
    full: { givenName, familyName, email: `${ascii(`${givenName}.${familyName}`)}@example.fr`, country: 'FR', ...home },
    near: { givenName, familyName: nearFamilyName, email: `${ascii(`${initials}.${nearFamilyName}`)}@autre.example.org`, country: 'FR' },
  };
}
const marie = person('Marie-Hélène', 'Dupont', 'Dupond', { birthDate: '1984-03-12', phone: '06 12 34 56 78', street: '12 rue de la Paix', postcode: '75002', city: 'Paris' });

/** What a browser does with the page: the form's hidden anti-forgery value. */
function csrfOf(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no csrf field on the page');
  return match[1];
}

describe('duplicate review, from the mail to the merged golden record', () => {
  let platform: TestPlatform;
  let system: string;
  let steward: string;
  let admin: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    system = await platform.tokenFor(['integration'], [PARIS]);
    steward = await platform.tokenFor(['steward'], [PARIS], PARIS_STEWARD);
    admin = await platform.tokenFor(['admin'], ['*'], 'admin@group.example');
  });
  afterAll(() => platform.stop());

  async function onboard(sourceSystem: string, sourceId: string, record: Record<string, string>) {
    const response = await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/customers`, { token: system, body: { sourceSystem, sourceId, record } });
    if (response.status >= 300) throw new Error(`onboarding answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body.outcome;
  }

  /** Onboards the person, then its near duplicate: returns the golden record and the review task. */
  async function reviewOf(customer: ReturnType<typeof person>, key: string) {
    const created = await onboard('crm', `C-${key}`, customer.full);
    const review = await onboard('erp', `E-${key}`, customer.near);
    expect(review).toMatchObject({ outcome: 'review', candidateCustomerId: created.customerId });
    return { customerId: created.customerId as string, taskId: review.taskId as string };
  }

  async function reviewMailFor(taskId: string): Promise<OutboxMessage> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const mails = await waitForMail(platform.database.db, PARIS_STEWARD, /duplicate customer to review/, 1);
      const mail = mails.find((message) => message.text?.includes(taskId));
      if (mail) return mail;
      if (Date.now() > deadline) throw new Error(`no review mail for task ${taskId}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const page = async (link: string, init: RequestInit = {}) => {
    const response = await fetch(link, init);
    return { status: response.status, html: await response.text() };
  };
  const postDecision = (link: string, form: Record<string, string>, origin = platform.baseUrl) =>
    page(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body: new URLSearchParams(form).toString() });

  const task = async (id: string) => (await call(platform.baseUrl, 'GET', `/api/tasks/${id}`, { token: admin })).body;
  const decide = (taskId: string, token: string, decision: string) =>
    call(platform.baseUrl, 'POST', `/api/tasks/${taskId}/decision`, { token, body: { decision } });

  it('mails the steward a link whose page shows both records and changes nothing; the POST from the page merges', async () => {
    const { customerId, taskId } = await reviewOf(marie, '1');
    const mail = await reviewMailFor(taskId);
    expect(mail.text).not.toContain('Dupond');
    const link = reviewLinkIn(mail);

    const shown = await page(link);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain('Dupond');
    expect(shown.html).toContain('Dupont');
    expect(await page(link)).toMatchObject({ status: 200 });
    expect((await task(taskId)).status).toBe('open');

    const decided = await postDecision(link, { decision: 'merge', csrf: csrfOf(shown.html) });
    expect(decided.status).toBe(200);
    expect(decided.html).toMatch(/Merged/);

    const closed = await task(taskId);
    expect(closed).toMatchObject({ status: 'decided', decision: 'merge', decidedBy: PARIS_STEWARD, decidedVia: 'email' });
    expect(closed.decisions).toEqual([expect.objectContaining({ decision: 'merge', decidedBy: PARIS_STEWARD, via: 'email', rulesVersion: expect.any(String) })]);
    const golden = await call(platform.baseUrl, 'GET', `/api/customers/${customerId}`, { token: steward });
    expect(golden.body.sourceRecords.map((source: { sourceId: string }) => source.sourceId).sort()).toEqual(['C-1', 'E-1']);
    expect(golden.body.lineage.filter((entry: { action: string }) => entry.action === 'linked')).toHaveLength(2);

    // the link worked once; a replay is refused and changes nothing
    const replay = await postDecision(link, { decision: 'keepDistinct', csrf: csrfOf(shown.html) });
    expect(replay.status).toBe(410);
    expect(replay.html).toMatch(/already used/);
    expect((await task(taskId)).decision).toBe('merge');
  });

  it('refuses tampered links, forged posts, and an expired link, each with a clear page', async () => {
    const { taskId } = await reviewOf(person('Jean-Baptiste', 'Lefebvre', 'Lefevre', { birthDate: '1971-11-02', phone: '06 98 76 54 32', street: '3 quai Saint-Vincent', postcode: '69001', city: 'Lyon' }), '2');
    const link = reviewLinkIn(await reviewMailFor(taskId));
    const tampered = link.slice(0, -3) + (link.endsWith('AAA') ? 'BBB' : 'AAA');
    expect(await page(tampered)).toMatchObject({ status: 404, html: expect.stringMatching(/not valid/) });

    const shown = await page(link);
    expect((await postDecision(link, { decision: 'merge', csrf: 'forged' })).status).toBe(403);
    expect((await postDecision(link, { decision: 'merge', csrf: csrfOf(shown.html) }, 'https://evil.example')).status).toBe(403);

    await platform.database.db('action_tokens').where({ task_id: taskId }).update({ expires_at: new Date(Date.now() - 1000) });
    expect(await page(link)).toMatchObject({ status: 410, html: expect.stringMatching(/expired/) });
    expect((await task(taskId)).status).toBe('open');
  });

  it('takes exactly one of two decisions sent at once; the other learns who decided', async () => {
    const { taskId } = await reviewOf(person('Anne-Sophie', 'Moreau', 'Moreaux', { birthDate: '1990-06-25', phone: '07 11 22 33 44', street: '40 cours Victor Hugo', postcode: '33000', city: 'Bordeaux' }), '3');
    const [first, second] = await Promise.all([decide(taskId, steward, 'keepDistinct'), decide(taskId, admin, 'merge')]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const loser = first.status === 409 ? first : second;
    expect(loser.body.error.message).toMatch(/already decided by (steward@paris\.example|admin@group\.example)/);
    expect((await task(taskId)).decisions).toHaveLength(1);
  });

  it('keeps a steward of another site out (403), and a kept-distinct pair never comes back', async () => {
    const customer = person('Pierre-Louis', 'Girard', 'Girardot', { birthDate: '1965-01-30', phone: '06 55 44 33 22', street: '8 place Kléber', postcode: '67000', city: 'Strasbourg' });
    const { customerId, taskId } = await reviewOf(customer, '4');
    const lyonSteward = await platform.tokenFor(['steward'], ['fr-lyon-store']);
    const foreign = await decide(taskId, lyonSteward, 'merge');
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toContain(PARIS);
    const compliance = await platform.tokenFor(['compliance'], [PARIS]);
    expect((await decide(taskId, compliance, 'merge')).status).toBe(403);

    const kept = await decide(taskId, steward, 'keepDistinct');
    expect(kept.body).toMatchObject({ state: 'decided', decision: 'keepDistinct' });
    const sourceRecord = await platform.database.db('source_records').where({ source_id: 'E-4' }).first();
    expect(sourceRecord.customer_id).toBeTruthy();
    expect(sourceRecord.customer_id).not.toBe(customerId);

    // either record sent again: no new review
    const openTasks = async () => Number((await platform.database.db('tasks').where({ status: 'open' }).count('* as n'))[0].n);
    const before = await openTasks();
    expect(await onboard('erp', 'E-4', customer.near)).toMatchObject({ outcome: 'review', taskId });
    expect(await onboard('crm', 'C-4', customer.full)).toMatchObject({ outcome: 'created', customerId });
    expect(await openTasks()).toBe(before);
  });

  it('unmerges a record after a chain of merges, and remembers the pair as different people', async () => {
    const customer = person('Louise', 'Bernard', 'Bernart', { birthDate: '2001-09-09', phone: '07 66 77 88 99', street: '21 rue Sainte-Catherine', postcode: '13001', city: 'Marseille' });
    const { customerId, taskId } = await reviewOf(customer, '5');
    expect((await decide(taskId, steward, 'merge')).body).toMatchObject({ state: 'decided' });
    const lyonSystem = await platform.tokenFor(['integration'], ['fr-lyon-store']);
    const linked = await call(platform.baseUrl, 'POST', '/api/sites/fr-lyon-store/customers', {
      token: lyonSystem,
      body: { sourceSystem: 'pos', sourceId: 'L-5', record: customer.full },
    });
    expect(linked.body.outcome).toMatchObject({ outcome: 'linked', customerId });
    const view = async (id: string) => (await call(platform.baseUrl, 'GET', `/api/customers/${id}`, { token: admin })).body;
    const sourceIds = (golden: { sourceRecords: Array<{ sourceId: string }> }) => golden.sourceRecords.map((source) => source.sourceId).sort();
    const before = await view(customerId);
    expect(sourceIds(before)).toEqual(['C-5', 'E-5', 'L-5']);

    const e5 = before.sourceRecords.find((source: { sourceId: string }) => source.sourceId === 'E-5');
    const split = await call(platform.baseUrl, 'POST', `/api/customers/${customerId}/unmerge`, { token: steward, body: { sourceRecordId: e5.id } });
    expect(split.status).toBe(200);
    const after = await view(customerId);
    expect(sourceIds(after)).toEqual(['C-5', 'L-5']);
    expect(after.lineage.map((entry: { action: string }) => entry.action)).toContain('unmerged');
    expect((await view(split.body.newCustomerId)).record).toMatchObject({ familyName: 'Bernart' });
    expect(await platform.database.db('distinct_pairs').where({ source_record_id: e5.id })).toHaveLength(2);

    const l5 = after.sourceRecords.find((source: { sourceId: string }) => source.sourceId === 'L-5');
    const munichSteward = await platform.tokenFor(['steward'], ['de-munich-plant']);
    expect((await call(platform.baseUrl, 'POST', `/api/customers/${customerId}/unmerge`, { token: munichSteward, body: { sourceRecordId: l5.id } })).status).toBe(403);
    expect((await call(platform.baseUrl, 'POST', `/api/customers/${customerId}/unmerge`, { token: admin, body: { sourceRecordId: l5.id } })).status).toBe(200);
    const last = (await view(customerId)).sourceRecords;
    expect(sourceIds({ sourceRecords: last })).toEqual(['C-5']);
    expect((await call(platform.baseUrl, 'POST', `/api/customers/${customerId}/unmerge`, { token: admin, body: { sourceRecordId: last[0].id } })).status).toBe(409);
  });
});
