import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/servers';

const migrations = { directory: path.join(__dirname, '..', '..', 'migrations'), loadExtensions: ['.ts', '.js'], name: '018_schedules.ts' };

describe('migration 018: audit schedules become schedules of kind audit', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('keeps the audit schedules made before it, and goes back without the other kinds', async () => {
    const { db } = database;
    await db.migrate.down(migrations);
    await db('audit_schedules').insert({ id: 'audit-schedule:fr-paris-hq:0badcafe', site_id: 'fr-paris-hq', cron: '0 6 * * 1', time_zone: 'Europe/Paris', created_by: 'u1' });

    await db.migrate.up(migrations);
    expect(await db('schedules').select('id', 'kind', 'site_id', 'cron', 'interval', 'time_zone', 'options', 'created_by')).toEqual([
      { id: 'audit-schedule:fr-paris-hq:0badcafe', kind: 'audit', site_id: 'fr-paris-hq', cron: '0 6 * * 1', interval: null, time_zone: 'Europe/Paris', options: {}, created_by: 'u1' },
    ]);
    await expect(db('schedules').insert({ id: 'x', site_id: 'fr-paris-hq', cron: '@daily', time_zone: 'UTC', created_by: 'u1' })).rejects.toThrow(/kind/);

    await db('schedules').insert({ id: 'purge-schedule:fr-paris-hq:5be0a913', kind: 'purge', site_id: 'fr-paris-hq', interval: 'P1W', time_zone: 'UTC', options: { dryRun: true }, created_by: 'u1' });
    await db.migrate.down(migrations);
    expect(await db('audit_schedules').pluck('id')).toEqual(['audit-schedule:fr-paris-hq:0badcafe']);
    await db.migrate.up(migrations);
  });
});
