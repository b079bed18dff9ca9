import { marie, marieNearDuplicate } from '../support/people';
import { call, startTestPlatform, type TestPlatform } from '../support/platform';

const PARIS = 'fr-paris-hq';
const LYON = 'fr-lyon-store';

describe('onboarding, end to end over HTTP, Temporal and Postgres', () => {
  let platform: TestPlatform;
  let parisSystem: string;
  let lyonSystem: string;
  let parisSteward: string;
  let admin: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    parisSystem = await platform.tokenFor(['integration'], [PARIS]);
    lyonSystem = await platform.tokenFor(['integration'], [LYON]);
    parisSteward = await platform.tokenFor(['steward'], [PARIS]);
    admin = await platform.tokenFor(['admin'], ['*']);
  });
  afterAll(() => platform.stop());

  const onboard = (site: string, token: string, sourceSystem: string, sourceId: string, record: Record<string, string>) =>
    call(platform.baseUrl, 'POST', `/api/sites/${site}/customers`, { token, body: { sourceSystem, sourceId, record } });

  const count = async (table: string) => Number((await platform.database.db(table).count('* as n'))[0].n);

  let marieId: string;

  it('creates a golden record for a clean new customer', async () => {
    const response = await onboard(PARIS, parisSystem, 'crm', 'C-1', marie);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ workflowId: 'onboarding:fr-paris-hq:crm:C-1', status: 'completed', outcome: { outcome: 'created' } });
    marieId = response.body.outcome.customerId;
    const golden = await call(platform.baseUrl, 'GET', `/api/customers/${marieId}`, { token: parisSteward });
    expect(golden.status).toBe(200);
    expect(golden.body.record).toMatchObject({ familyName: 'Dupont', email: 'marie.dupont@example.fr', phone: '+33612345678', birthDate: '1984-03-12' });
  });

  it('links an exact duplicate sent by another site to the same golden record, and explains why', async () => {
    const response = await onboard(LYON, lyonSystem, 'pos', 'L-77', { ...marie, phone: '+33 6 12 34 56 78' });
    expect(response.status).toBe(201);
    expect(response.body.outcome).toMatchObject({ outcome: 'linked', customerId: marieId });
    expect(await count('customers')).toBe(1);

    const golden = await call(platform.baseUrl, 'GET', `/api/customers/${marieId}`, { token: admin });
    expect(golden.body.sourceRecords).toHaveLength(2);
    const linked = golden.body.sourceRecords.find((source: { siteId: string }) => source.siteId === LYON);
    expect(linked.match.probability).toBeGreaterThanOrEqual(0.9);
    expect(linked.match.fields.length).toBeGreaterThan(3);
    expect(linked.match.fields[0]).toEqual(expect.objectContaining({ field: expect.any(String), level: expect.any(String), weight: expect.any(Number) }));
    expect(golden.body.lineage.map((entry: { action: string }) => entry.action)).toEqual(
      expect.arrayContaining(['received', 'normalised', 'created', 'linked']),
    );
    expect(golden.body.lineage.every((entry: { rulesVersion: string | null; action: string }) => entry.action === 'received' || entry.rulesVersion)).toBe(true);
  });

  it('sends a near duplicate to review and keeps the record pending', async () => {
    const response = await onboard(PARIS, parisSystem, 'erp', 'E-5', marieNearDuplicate);
    expect(response.status).toBe(201);
    expect(response.body.outcome).toMatchObject({ outcome: 'review', candidateCustomerId: marieId });
    const tasks = await call(platform.baseUrl, 'GET', '/api/tasks?status=open', { token: parisSteward });
    expect(tasks.status).toBe(200);
    expect(tasks.body.tasks).toEqual([expect.objectContaining({ id: response.body.outcome.taskId, type: 'duplicate_review', customerId: marieId, siteId: PARIS })]);
    const stored = await platform.database.db('source_records').where({ source_id: 'E-5' }).first();
    expect(stored).toMatchObject({ status: 'pending_review', customer_id: null });
    expect(await count('customers')).toBe(1);
  });

  it('answers a repeated POST with the first outcome and stores nothing twice', async () => {
    const before = { sources: await count('source_records'), changes: await count('change_log') };
    const response = await onboard(PARIS, parisSystem, 'crm', 'C-1', marie);
    expect(response.status).toBe(200);
    expect(response.body.outcome).toMatchObject({ outcome: 'created', customerId: marieId });
    expect({ sources: await count('source_records'), changes: await count('change_log') }).toEqual(before);
    const status = await call(platform.baseUrl, 'GET', '/api/onboardings/onboarding:fr-paris-hq:crm:C-1', { token: parisSystem });
    expect(status.body).toMatchObject({ status: 'completed', outcome: { outcome: 'created', customerId: marieId } });
  });

  it('refuses the same source id with other content, and keeps the first', async () => {
    const response = await onboard(PARIS, parisSystem, 'crm', 'C-1', { ...marie, familyName: 'Martin' });
    expect(response.status).toBe(409);
    expect(response.body.error.message).toMatch(/already received/);
  });

  it('rejects an invalid record with every problem and stores nothing', async () => {
    const before = await count('source_records');
    const response = await onboard(PARIS, parisSystem, 'crm', 'C-bad', {
      givenName: 'Jean',
      email: 'not-an-email',
      birthDate: '1990-02-31',
      phone: '12',
      shoeSize: '42',
    });
    expect(response.status).toBe(422);
    const fields = response.body.error.details.problems.map((problem: { field: string }) => problem.field);
    expect(fields).toEqual(expect.arrayContaining(['record.familyName', 'record.email', 'record.birthDate', 'record.phone', 'record.shoeSize']));
    expect(JSON.stringify(response.body)).not.toContain('not-an-email');
    expect(await count('source_records')).toBe(before);
  });

  it('answers bad requests with clear errors', async () => {
    const body = { sourceSystem: 'crm', sourceId: 'X', record: marie };
    expect((await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/customers`, { body })).status).toBe(401);
    expect((await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/customers`, { body, token: 'stw_wrong' })).status).toBe(401);
    const otherSite = await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/customers`, { body, token: lyonSystem });
    expect(otherSite.status).toBe(403);
    expect(otherSite.body.error.message).toContain(PARIS);
    const compliance = await platform.tokenFor(['compliance'], [PARIS]);
    const wrongRole = await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/customers`, { body, token: compliance });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body.error.message).toMatch(/role/);
    const unknownSite = await call(platform.baseUrl, 'POST', '/api/sites/xx-nowhere/customers', { body, token: admin });
    expect(unknownSite.status).toBe(404);
    expect(unknownSite.body.error.message).toContain('xx-nowhere');
    const malformed = await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/customers`, { rawBody: '{"sourceSystem": ', token: admin });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('malformed_json');
  });

  it('searches golden records within the caller\'s sites only', async () => {
    const found = await call(platform.baseUrl, 'GET', '/api/customers?q=dupont', { token: parisSteward });
    expect(found.status).toBe(200);
    expect(found.body.customers.map((customer: { id: string }) => customer.id)).toEqual([marieId]);
    const munichSteward = await platform.tokenFor(['steward'], ['de-munich-plant']);
    const none = await call(platform.baseUrl, 'GET', '/api/customers?q=dupont', { token: munichSteward });
    expect(none.body.customers).toEqual([]);
    expect((await call(platform.baseUrl, 'GET', `/api/customers/${marieId}`, { token: munichSteward })).status).toBe(403);
  });
  it('gives one golden record to the same new person sent by several systems at the same moment', async () => {
    const jonas = { ...marie, givenName: 'Jonas', familyName: 'Kerbrat', birthDate: '1979-11-02', email: 'jonas.kerbrat@example.fr', phone: '06 98 76 54 32' };
    const sends = [
      onboard(PARIS, parisSystem, 'crm', 'J-1', jonas),
      onboard(PARIS, parisSystem, 'web', 'J-1', jonas),
      onboard(LYON, lyonSystem, 'pos', 'J-1', jonas),
      onboard(LYON, lyonSystem, 'loyalty', 'J-1', jonas),
    ];
    const outcomes = (await Promise.all(sends)).map((response) => response.body.outcome);
    expect(outcomes.filter((outcome) => outcome.outcome === 'created')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.outcome === 'linked')).toHaveLength(3);
    expect(new Set(outcomes.map((outcome) => outcome.customerId)).size).toBe(1);
  });
  it('takes new content for a record sent before: the golden record follows, with lineage; the same content again changes nothing', async () => {
    const revise = (site: string, token: string, path: string, record: unknown) =>
      call(platform.baseUrl, 'PUT', `/api/sites/${site}/customers/${path}`, { token, body: { record } });
    const moved = { ...marie, street: '5 place Bellecour', postcode: '69002', city: 'Lyon', phone: '07 11 22 33 44' };

    const response = await revise(PARIS, parisSystem, 'crm/C-1', moved);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ revised: true, status: 'linked', customerId: marieId });
    const golden = await call(platform.baseUrl, 'GET', `/api/customers/${marieId}`, { token: parisSteward });
    // phone and postcode survive by most recent: the revision is the newest content
    expect(golden.body.record).toMatchObject({ phone: '+33711223344', postcode: '69002', city: 'Lyon' });
    const actions = golden.body.lineage.map((entry: { action: string }) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['revised', 'recomputed']));

    const changes = await count('change_log');
    const again = await revise(PARIS, parisSystem, 'crm/C-1', moved);
    expect(again.body).toMatchObject({ revised: false, customerId: marieId });
    expect(await count('change_log')).toBe(changes);

    const unknown = await revise(PARIS, parisSystem, 'crm/C-404', moved);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/has no record crm\/C-404.*POST/);
    const invalid = await revise(PARIS, parisSystem, 'crm/C-1', { ...moved, email: 'not-an-email' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details.problems).toEqual([expect.objectContaining({ field: 'record.email' })]);
    expect((await revise(LYON, lyonSystem, 'crm/C-1', moved)).status).toBe(404);
    expect((await revise(PARIS, lyonSystem, 'crm/C-1', moved)).status).toBe(403);
  });
});
