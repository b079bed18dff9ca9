import { call, startTestPlatform, type TestPlatform } from '../support/platform';
import { waitForMail } from '../support/outbox';
import { erasureRequestPast } from '../support/erasure';
import { onboarded } from '../support/retention';

const PARIS = 'fr-paris-hq';
const LYON = 'fr-lyon-store';

const camille = { givenName: 'Camille', familyName: 'Effacée', email: 'camille.effacee@example.fr', phone: '06 55 44 33 22', postcode: '69002', birthDate: '1990-07-14', country: 'FR' };

describe('erasure requests', () => {
  let platform: TestPlatform;
  let officer: string;
  let steward: string;
  let camilleId: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    const paris = await platform.tokenFor(['integration'], [PARIS]);
    const lyon = await platform.tokenFor(['integration'], [LYON]);
    officer = await platform.tokenFor(['compliance'], [PARIS, LYON], 'officer@group.example');
    steward = await platform.tokenFor(['steward'], [PARIS]);
    camilleId = await onboarded(platform, paris, PARIS, 'crm', 'E-1', camille);
    expect(await onboarded(platform, lyon, LYON, 'pos', 'EL-1', camille)).toBe(camilleId);
  });
  afterAll(() => platform.stop());

  const file = (token: string, body: unknown) => call(platform.baseUrl, 'POST', '/api/erasure-requests', { token, body });
  const decide = (token: string, id: string, body: unknown) => call(platform.baseUrl, 'POST', `/api/erasure-requests/${id}/decision`, { token, body });

  it('refuses bad requests (400) and people it cannot find (404)', async () => {
    expect((await file(officer, { requester: 'dpo@group.example', reason: 'art. 17' })).body.error.message).toMatch(/customerId or identifyingFields/);
    expect((await file(officer, { customerId: camilleId, reason: 'x' })).status).toBe(400);
    const nobody = await file(officer, { identifyingFields: { email: 'nobody@example.fr' }, requester: 'dpo@group.example', reason: 'art. 17' });
    expect(nobody.status).toBe(404);
  });

  it('finds the person by identifying fields across sites, waits for approval and erases nothing before it; a steward may not approve (403)', async () => {
    const filed = await file(steward, { identifyingFields: { phone: '+33 6 55 44 33 22' }, requester: 'privacy@group.example', reason: 'GDPR art. 17 request received by mail' });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ status: 'pending_approval', customerIds: [camilleId], siteIds: [LYON, PARIS], workflowId: `erasure:${filed.body.id}` });
    expect(filed.body.sourceRecordIds).toHaveLength(2);
    const days = (new Date(filed.body.deadlineAt).getTime() - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    expect(JSON.stringify(filed.body)).not.toMatch(/55 44 33 22|\+33655443322/);

    const [mail] = await waitForMail(platform.database.db, 'dpo@group.example', /awaits approval/);
    expect(mail.text).toContain(filed.body.id);
    expect(mail.text).not.toMatch(/Camille|Effac/i);
    const tasks = await call(platform.baseUrl, 'GET', '/api/tasks?type=erasure_approval', { token: officer });
    expect(tasks.body.tasks.map((task: { siteId: string }) => task.siteId).sort()).toEqual([LYON, PARIS]);

    const denied = await decide(steward, filed.body.id, { decision: 'approve', reason: 'ok' });
    expect(denied.status).toBe(403);
    expect(await platform.database.db('source_records').where({ customer_id: camilleId })).toHaveLength(2);

    const approved = await decide(officer, filed.body.id, { decision: 'approve', reason: 'identity checked' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'officer@group.example' });
    const again = await decide(officer, filed.body.id, { decision: 'reject', reason: 'changed my mind' });
    expect(again.status).toBe(409);

    const done = await erasureRequestPast(platform, officer, filed.body.id, 'approved');
    expect(done.status).toBe('completed');
    expect(done.proof).toMatchObject({ approvedBy: 'officer@group.example', counts: { source_records: 2, customers: 1 }, hashedCustomerIds: [expect.stringMatching(/^[0-9a-f]{64}$/)] });
    expect(await platform.database.db('source_records').whereIn('id', filed.body.sourceRecordIds)).toHaveLength(0);
    expect(await platform.database.db('customers').where({ id: camilleId })).toHaveLength(0);
    const [outcome] = await waitForMail(platform.database.db, 'privacy@group.example', /carried out/);
    expect(outcome.text).toContain(filed.body.id);
  });

  it('records why a request is rejected, and keeps the data', async () => {
    const system = await platform.tokenFor(['integration'], [PARIS]);
    const keptId = await onboarded(platform, system, PARIS, 'crm', 'E-2', { givenName: 'Gaston', familyName: 'Gardé', email: 'gaston@example.fr', country: 'FR' });
    const filed = await file(officer, { customerId: keptId, requester: 'privacy@group.example', reason: 'asked by phone' });
    expect((await decide(officer, filed.body.id, { decision: 'reject' })).body.error.message).toMatch(/reason is required to reject/);
    const rejected = await decide(officer, filed.body.id, { decision: 'reject', reason: 'open contract: art. 17(3)(b) legal obligation' });
    expect(rejected.body).toMatchObject({ status: 'rejected' });
    const stored = await erasureRequestPast(platform, officer, filed.body.id, 'pending_approval');
    expect(stored).toMatchObject({ status: 'rejected', decisionReason: 'open contract: art. 17(3)(b) legal obligation', proof: null });
    const [mail] = await waitForMail(platform.database.db, 'privacy@group.example', /was rejected/);
    expect(mail.text).toMatch(/Why: open contract/);
    expect(await platform.database.db('customers').where({ id: keptId })).toHaveLength(1);
  });

  it('refuses a request for a customer under legal hold, saying why', async () => {
    const system = await platform.tokenFor(['integration'], [PARIS]);
    const heldId = await onboarded(platform, system, PARIS, 'crm', 'E-3', { givenName: 'Hector', familyName: 'Tenu', email: 'hector@example.fr', country: 'FR' });
    await call(platform.baseUrl, 'POST', '/api/legal-holds', { token: officer, body: { customerId: heldId, reason: 'fraud inquiry', reference: 'POL-42' } });
    const refused = await file(officer, { customerId: heldId, requester: 'privacy@group.example', reason: 'art. 17' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/legal hold POL-42/);
    const stored = await call(platform.baseUrl, 'GET', `/api/erasure-requests/${refused.body.error.details.requestId}`, { token: officer });
    expect(stored.body).toMatchObject({ status: 'refused', refusalReason: expect.stringMatching(/POL-42/) });
    expect(await platform.database.db('customers').where({ id: heldId })).toHaveLength(1);
  });

  it('mails Munich in German, from the Munich rule file: officers and the requester, ids and links only', async () => {
    const MUNICH = 'de-munich-plant';
    const munichSystem = await platform.tokenFor(['integration'], [MUNICH]);
    const munichOfficer = await platform.tokenFor(['compliance'], [MUNICH], 'datenschutz@munich.example');
    const customerId = await onboarded(platform, munichSystem, MUNICH, 'erp', 'EM-1', { givenName: 'Wilhelmine', familyName: 'Vergessen', street: 'Leopoldstraße 9', postcode: '80802', city: 'München', country: 'DE' });
    const filed = await file(munichOfficer, { customerId, requester: 'privacy@group.example', reason: 'Art. 17 DSGVO' });
    expect(filed.body.siteIds).toEqual([MUNICH]);

    const [mail] = await waitForMail(platform.database.db, 'datenschutz@munich.example', new RegExp(`^Löschantrag ${filed.body.id} wartet auf Freigabe$`));
    expect(mail.text).toContain(`Betroffene Standorte: ${MUNICH}`);
    expect(mail.text).toMatch(/Gesetzliche Frist: \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}/);
    expect(mail.text).toMatch(/https?:\/\/\S+\/erasure\/[A-Za-z0-9_-]+/);
    expect(mail.text).not.toMatch(/Wilhelmine|Vergessen|Leopold/i);
    // the group's officer answers for Munich here: the Munich templates write to them as well
    await waitForMail(platform.database.db, 'dpo@group.example', new RegExp(`^Löschantrag ${filed.body.id} wartet auf Freigabe$`));

    expect((await decide(munichOfficer, filed.body.id, { decision: 'reject', reason: 'Vertrag läuft noch' })).body).toMatchObject({ status: 'rejected' });
    const [outcome] = await waitForMail(platform.database.db, 'privacy@group.example', new RegExp(`^Löschantrag ${filed.body.id} wurde abgelehnt$`));
    expect(outcome.text).toContain('Begründung: Vertrag läuft noch');
  });

  it('is decided from the link mailed to a compliance officer: the page shows ids and counts only, the form decides once', async () => {
    const system = await platform.tokenFor(['integration'], [PARIS]);
    const customerId = await onboarded(platform, system, PARIS, 'crm', 'E-4', { givenName: 'Léonie', familyName: 'Lien', email: 'leonie.lien@example.fr', country: 'FR' });
    const filed = await file(officer, { customerId, requester: 'privacy@group.example', reason: 'art. 17' });
    const mails = await waitForMail(platform.database.db, 'dpo@group.example', new RegExp(`${filed.body.id} awaits approval`));
    const link = /(https?:\/\/\S+\/erasure\/[A-Za-z0-9_-]+)/.exec(mails[0].text ?? '')![1];
    const path = new URL(link).pathname;

    // an erasure link opens no review page
    expect((await fetch(`${platform.baseUrl}${path.replace('/erasure/', '/review/')}`)).status).toBe(404);
    const page = await fetch(link);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain(filed.body.id);
    expect(html).not.toMatch(/Léonie|Lien|leonie/i);
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1];
    const post = (form: Record<string, string>) =>
      fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });

    expect((await post({ decision: 'reject', reason: 'x', csrf: 'forged' })).status).toBe(403);
    expect((await post({ decision: 'reject', csrf })).status).toBe(400);
    const rejected = await post({ decision: 'reject', reason: 'the contract still runs', csrf });
    expect(rejected.status).toBe(200);
    expect(await rejected.text()).toMatch(/Erasure rejected/);
    const stored = await erasureRequestPast(platform, officer, filed.body.id, 'pending_approval');
    expect(stored).toMatchObject({ status: 'rejected', decidedBy: 'dpo@group.example', decisionReason: 'the contract still runs' });
    expect((await post({ decision: 'approve', csrf })).status).toBe(410);
  });
});
