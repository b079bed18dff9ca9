import { call, startTestPlatform, type TestPlatform } from '../support/platform';
import { ageCustomer, onboarded, runPurge } from '../support/retention';

const PARIS = 'fr-paris-hq';
const LYON = 'fr-lyon-store';
const MUNICH = 'de-munich-plant';

describe('retention purges', () => {
  let platform: TestPlatform;
  let officer: string;
  const ids: Record<string, string> = {};
  let holdId: string;

  const snapshot = async () => {
    const { db } = platform.database;
    return {
      sources: await db('source_records').orderBy('id').select('id', 'status', 'customer_id', 'raw', 'record', 'updated_at'),
      customers: await db('customers').orderBy('id').select('id', 'record', 'version'),
      redacted: Number((await db('change_log').whereNotNull('redacted_at').count('* as n'))[0].n),
    };
  };

  beforeAll(async () => {
    platform = await startTestPlatform();
    const paris = await platform.tokenFor(['integration'], [PARIS]);
    const lyon = await platform.tokenFor(['integration'], [LYON]);
    const munich = await platform.tokenFor(['integration'], [MUNICH]);
    officer = await platform.tokenFor(['compliance'], ['*'], 'dpo@group.example');
    ids.alone = await onboarded(platform, paris, PARIS, 'crm', 'P-1', { givenName: 'Agathe', familyName: 'Ancien', email: 'agathe.ancien@example.fr', country: 'FR' });
    const bernard = { givenName: 'Bernard', familyName: 'Partout', email: 'bernard.partout@example.fr', phone: '06 11 22 33 44', postcode: '69001', birthDate: '1970-01-02', country: 'FR' };
    ids.shared = await onboarded(platform, paris, PARIS, 'crm', 'P-2', bernard);
    expect(await onboarded(platform, lyon, LYON, 'pos', 'L-2', bernard)).toBe(ids.shared);
    ids.held = await onboarded(platform, paris, PARIS, 'crm', 'P-3', { givenName: 'Hélène', familyName: 'Gardée', email: 'helene.gardee@example.fr', country: 'FR' });
    ids.recent = await onboarded(platform, paris, PARIS, 'crm', 'P-4', { givenName: 'Denis', familyName: 'Récent', email: 'denis.recent@example.fr', country: 'FR' });
    ids.munich = await onboarded(platform, munich, MUNICH, 'erp', 'M-1', { givenName: 'Erwin', familyName: 'Alt', street: 'Leopoldstraße 1', postcode: '80802', city: 'München', country: 'DE' });
    const { db } = platform.database;
    for (const key of ['alone', 'held', 'munich']) await ageCustomer(db, ids[key], 4);
    await ageCustomer(db, ids.shared, 4, PARIS);
    const hold = await call(platform.baseUrl, 'POST', '/api/legal-holds', { token: officer, body: { customerId: ids.held, reason: 'tax audit', reference: 'AUD-9' } });
    holdId = hold.body.id;
  });
  afterAll(() => platform.stop());

  it('refuses stewards (403) and a body without dryRun (400)', async () => {
    const steward = await platform.tokenFor(['steward'], [PARIS]);
    expect((await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/purges`, { token: steward, body: { dryRun: true } })).status).toBe(403);
    const bad = await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/purges`, { token: officer, body: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/dryRun is required/);
  });

  it('reports in a dry run what would be purged, held customers apart, and changes nothing', async () => {
    const before = await snapshot();
    const log = await runPurge(platform, officer, PARIS, { dryRun: true });
    expect(log).toMatchObject({ status: 'completed', dryRun: true, siteId: PARIS, workflowId: expect.stringMatching(/^purge:fr-paris-hq:/) });
    expect(log.counts).toMatchObject({ sourceRecords: 2, skippedUnderHold: 1, goldenRecordsRemoved: 1, goldenRecordsRecomputed: 1 });
    expect(log.plan.sourceRecords).toMatchObject({ action: 'anonymise', legalBasis: expect.stringMatching(/GDPR/) });
    expect(await snapshot()).toEqual(before);
  });

  it('anonymises expired source records, removes or derives again their golden records, and skips the held customer', async () => {
    const { db } = platform.database;
    const log = await runPurge(platform, officer, PARIS, { dryRun: false, pageSize: 1 });
    expect(log.counts).toMatchObject({ sourceRecords: 2, goldenRecordsRemoved: 1, goldenRecordsRecomputed: 1, skippedUnderHold: 1 });

    expect(await db('customers').where({ id: ids.alone }).first()).toBeUndefined();
    const stub = await db('source_records').where({ site_id: PARIS, status: 'anonymised' }).orderBy('id');
    expect(stub).toHaveLength(2);
    for (const row of stub) expect(row).toMatchObject({ customer_id: null, record: null, raw: {}, email_key: null, name_key: null });
    const shared = await db('source_records').where({ customer_id: ids.shared });
    expect(shared.map((row) => row.site_id)).toEqual([LYON]);
    expect((await db('customers').where({ id: ids.shared }).first()).record).toMatchObject({ givenName: 'BERNARD' });
    expect(await db('source_records').where({ customer_id: ids.held })).toHaveLength(1);
    expect(await db('source_records').where({ customer_id: ids.recent })).toHaveLength(1);

    // the purge log: counts and hashed ids, one row per page, nothing personal
    expect(log.pages.filter((page: { category: string }) => page.category === 'sourceRecords').map((page: { hashedIds: string[] }) => page.hashedIds.length)).toEqual([1, 1, 0]);
    expect(JSON.stringify(log)).not.toMatch(/Agathe|Ancien|agathe|Bernard|bernard|Partout/i);
    const lineage = await db('change_log').whereIn('entity_id', stub.map((row) => row.id));
    expect(lineage.length).toBeGreaterThan(0);
    expect(JSON.stringify(lineage)).not.toMatch(/Agathe|Ancien|Bernard|Partout/i);
  });

  it('keeps each site to its own retention: the Munich record is not yet ten years old', async () => {
    const log = await runPurge(platform, officer, MUNICH, { dryRun: false });
    expect(log.counts).toMatchObject({ sourceRecords: 0 });
    expect(await platform.database.db('source_records').where({ customer_id: ids.munich })).toHaveLength(1);
  });

  it('deletes where the site says delete, and purges a customer once its hold is lifted', async () => {
    const { db } = platform.database;
    await ageCustomer(db, ids.munich, 11);
    const munich = await runPurge(platform, officer, MUNICH, { dryRun: false });
    expect(munich.counts).toMatchObject({ sourceRecords: 1, goldenRecordsRemoved: 1 });
    expect(await db('source_records').where({ site_id: MUNICH })).toHaveLength(0);
    expect(await db('customers').where({ id: ids.munich }).first()).toBeUndefined();

    expect((await call(platform.baseUrl, 'DELETE', `/api/legal-holds/${holdId}`, { token: officer })).status).toBe(200);
    const paris = await runPurge(platform, officer, PARIS, { dryRun: false });
    expect(paris.counts).toMatchObject({ sourceRecords: 1, goldenRecordsRemoved: 1, skippedUnderHold: 0 });
    expect(await db('customers').where({ id: ids.held }).first()).toBeUndefined();
    expect(await db('customers').where({ id: ids.recent }).first()).toBeDefined();
  });
});

describe('retention of staged import rows and of change-log values', () => {
  let platform: TestPlatform;
  let officer: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    officer = await platform.tokenFor(['compliance'], [PARIS]);
  });
  afterAll(() => platform.stop());

  it('deletes the rows of imports finished more than 90 days ago, and anonymises change-log values older than five years', async () => {
    const { db } = platform.database;
    const system = await platform.tokenFor(['integration'], [PARIS]);
    const csv = ['source_id,givenName,familyName,email,country', 'I-1,Irène,Importée,irene@example.fr,FR', 'I-2,Ivan,Importé,ivan@example.fr,FR', ''].join('\n');
    const started = await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/imports?sourceSystem=crm`, { token: system, rawBody: csv, contentType: 'text/csv' });
    await platform.client.workflow.getHandle(started.body.workflowId).result();
    const recent = await onboarded(platform, system, PARIS, 'crm', 'R-1', { givenName: 'Rémi', familyName: 'Récent', email: 'remi@example.fr', country: 'FR' });

    await db('imports').where({ id: started.body.importId }).update({ finished_at: db.raw("now() - interval '100 days'") });
    const customerIds: string[] = await db('source_records').where('source_id', 'like', 'I-%').pluck('customer_id');
    await db.transaction(async (trx) => {
      await trx.raw('ALTER TABLE change_log DISABLE TRIGGER change_log_append_only');
      await trx('change_log').whereIn('entity_id', customerIds).update({ created_at: trx.raw("now() - interval '6 years'") });
      await trx.raw('ALTER TABLE change_log ENABLE TRIGGER change_log_append_only');
    });

    const dryRun = await runPurge(platform, officer, PARIS, { dryRun: true });
    expect(dryRun.counts).toMatchObject({ sourceRecords: 0, importRows: 2, changeLog: 2 });
    const log = await runPurge(platform, officer, PARIS, { dryRun: false });
    expect(log.counts).toMatchObject({ sourceRecords: 0, importRows: 2, changeLog: 2 });
    expect(await db('import_rows').where({ import_id: started.body.importId })).toHaveLength(0);
    const redacted = await db('change_log').whereIn('entity_id', customerIds);
    expect(redacted.map((entry) => [entry.after, entry.redacted_by])).toEqual(customerIds.map(() => [{ redacted: true }, log.workflowId]));
    // the golden records themselves are kept: only their old lineage values expired
    expect(await db('customers').whereIn('id', [...customerIds, recent])).toHaveLength(3);
    // the change log still refuses every other update
    await expect(db('change_log').whereIn('entity_id', customerIds).update({ action: 'changed' })).rejects.toThrow(/append-only/);
  });
});
