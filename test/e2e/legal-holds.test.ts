import { call, startTestPlatform, type TestPlatform } from '../support/platform';

const PARIS = 'fr-paris-hq';

describe('legal holds over the API', () => {
  let platform: TestPlatform;
  let customerId: string;
  let officer: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    const system = await platform.tokenFor(['integration'], [PARIS]);
    officer = await platform.tokenFor(['compliance'], [PARIS], 'dpo@paris.example');
    const onboarded = await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/customers`, {
      token: system,
      body: { sourceSystem: 'crm', sourceId: 'H-1', record: { givenName: 'Hugo', familyName: 'Hold', email: 'hugo@example.fr', country: 'FR' } },
    });
    customerId = onboarded.body.outcome.customerId;
  });
  afterAll(() => platform.stop());

  const hold = { reason: 'litigation about an unpaid invoice', reference: 'CASE-2026-17' };

  it('refuses stewards (403), officers of other sites (403), unknown customers (404) and incomplete holds (400)', async () => {
    const steward = await platform.tokenFor(['steward'], [PARIS]);
    const denied = await call(platform.baseUrl, 'POST', '/api/legal-holds', { token: steward, body: { customerId, ...hold } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/compliance or admin/);
    expect((await call(platform.baseUrl, 'GET', '/api/legal-holds', { token: steward })).status).toBe(403);
    const lyonOfficer = await platform.tokenFor(['compliance'], ['fr-lyon-store']);
    expect((await call(platform.baseUrl, 'POST', '/api/legal-holds', { token: lyonOfficer, body: { customerId, ...hold } })).status).toBe(403);
    const unknown = await call(platform.baseUrl, 'POST', '/api/legal-holds', { token: officer, body: { customerId: '00000000-0000-4000-8000-000000000000', ...hold } });
    expect(unknown.status).toBe(404);
    const missing = await call(platform.baseUrl, 'POST', '/api/legal-holds', { token: officer, body: { customerId, reference: 'X' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/^reason is required/);
    const past = await call(platform.baseUrl, 'POST', '/api/legal-holds', { token: officer, body: { customerId, ...hold, expiresAt: '2001-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
  });

  it('places, lists and lifts a hold, each once, with who and when in the change log', async () => {
    const placed = await call(platform.baseUrl, 'POST', '/api/legal-holds', { token: officer, body: { customerId, ...hold } });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ customerId, ...hold, placedBy: 'dpo@paris.example', active: true, expiresAt: null });

    const listed = await call(platform.baseUrl, 'GET', '/api/legal-holds', { token: officer });
    expect(listed.body.holds.map((h: { id: string }) => h.id)).toEqual([placed.body.id]);
    const ofCustomer = await call(platform.baseUrl, 'GET', `/api/legal-holds?customerId=${customerId}`, { token: officer });
    expect(ofCustomer.body.holds).toHaveLength(1);

    const lifted = await call(platform.baseUrl, 'DELETE', `/api/legal-holds/${placed.body.id}`, { token: officer, body: { reason: 'case settled' } });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ active: false, liftedBy: 'dpo@paris.example', liftReason: 'case settled' });
    const again = await call(platform.baseUrl, 'DELETE', `/api/legal-holds/${placed.body.id}`, { token: officer });
    expect(again.status).toBe(409);
    expect((await call(platform.baseUrl, 'GET', '/api/legal-holds', { token: officer })).body.holds).toEqual([]);
    expect((await call(platform.baseUrl, 'GET', '/api/legal-holds?all=true', { token: officer })).body.holds).toHaveLength(1);

    const entries = await platform.database.db('change_log').where({ entity_id: customerId }).whereIn('action', ['legal_hold_placed', 'legal_hold_lifted']).orderBy('id');
    expect(entries.map((entry) => entry.action)).toEqual(['legal_hold_placed', 'legal_hold_lifted']);
  });
});
