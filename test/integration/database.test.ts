import { createTestDatabase, type TestDatabase } from '../support/servers';

describe('the migrated database', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('refuses to rewrite lineage', async () => {
    const { db } = database;
    await db('change_log').insert({
      entity_type: 'customer',
      entity_id: 'c1',
      action: 'created',
      actor: 'test',
      idempotency_key: 'k1',
    });
    await expect(db('change_log').update({ action: 'edited' })).rejects.toThrow(/append-only/);
    await expect(db('change_log').del()).rejects.toThrow(/append-only/);
  });

  it('has the matching extensions', async () => {
    const { rows } = await database.db.raw("SELECT similarity('dupont', 'dupond') > 0.3 AS similar");
    expect(rows[0].similar).toBe(true);
  });
});
