import { countChecks, countFixTasks, inReadOnlySnapshot, isStatementTimeout } from '../../store/audit-preview';
import type { CheckSql } from '../../store/audit-check-sql';
import { rawSql } from '../../store/sql-fragment';
import { createTestDatabase, type TestDatabase } from '../support/servers';

const SITE = 'fr-paris-hq';
const TIMEOUT_MS = 5000;

/** Checks written directly as SQL, to probe the statement's guarantees rather than a check type. */
const phonePresent = { checkId: 'phone-present', applies: rawSql('true'), reason: rawSql(`CASE WHEN sr."phone" IS NULL THEN 'missing: phone' END`) };

describe('counting audit checks without a run', () => {
  const countsOf = (checks: CheckSql[], sampleSize: number, timeoutMs = TIMEOUT_MS) =>
    inReadOnlySnapshot(database.db, timeoutMs, (snapshot) => countChecks(snapshot, SITE, checks, sampleSize));

  let database: TestDatabase;
  let ids: string[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    const rows = Array.from({ length: 10 }, (_, index) => {
      const record = JSON.stringify(index < 3 ? { familyName: 'Lee' } : { familyName: 'Lee', phone: '+33612345678' });
      return { site_id: SITE, source_system: 'seed', source_id: `S-${index}`, status: index === 9 ? 'rejected' : 'linked', raw: record, raw_hash: `S-${index}`, record };
    });
    ids = (await db('source_records').insert(rows).returning('id')).map((row: { id: string }) => row.id);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('counts every audited row (rejected ones aside), or a fixed sample of them', async () => {
    expect(await countsOf([phonePresent], 100)).toMatchObject({ total: 9, examined: 9, counts: [{ rowsChecked: 9, rowsFailed: 3 }] });
    const sample = await countsOf([phonePresent], 4);
    expect(sample).toMatchObject({ total: 9, examined: 4, counts: [{ rowsChecked: 4 }] });
    expect(sample.ids).toHaveLength(4);
    expect(await countsOf([phonePresent], 4)).toEqual(sample);
  });

  it('runs read-only: a statement that would write is refused by PostgreSQL', async () => {
    await database.db.raw('CREATE SEQUENCE preview_probe');
    const writing = { checkId: 'writes', applies: rawSql(`(SELECT nextval('preview_probe') > 0)`), reason: rawSql('NULL::text') };
    await expect(countsOf([writing], 100)).rejects.toThrow(/read-only transaction/);
    expect((await database.db.raw(`SELECT is_called FROM preview_probe`)).rows[0].is_called).toBe(false);
  });

  it('gives up at its time budget with the statement-timeout error', async () => {
    // 50 ms per row (the argument reads the row, so PostgreSQL sleeps for each), 9 rows: far beyond 100 ms
    const slow = { checkId: 'slow', applies: rawSql('(SELECT true FROM pg_sleep(0.05 + 0 * length(sr.id::text)))'), reason: rawSql('NULL::text') };
    const error = await countsOf([slow], 100, 100).catch((caught: unknown) => caught);
    expect(isStatementTimeout(error)).toBe(true);
  });

  it('counts the data-fix tasks an audit would open and resolve under each side', async () => {
    // the first record without a phone already has an open task for that problem
    await database.db('tasks').insert({
      site_id: SITE,
      type: 'data_fix',
      status: 'open',
      idempotency_key: 'seed:fix',
      source_record_id: ids[0],
      rules_version: 'seed',
      details: JSON.stringify({ origin: 'audit', subject: ids[0], problems: [{ checkId: 'phone-present', sourceRecordId: ids[0], reason: 'missing: phone' }] }),
    });
    const withPhoneCheck = { checks: [{ index: 0, checkId: 'phone-present' }], fixTaskCheckIndexes: [0], maxPerRun: 200 };
    const capped = { ...withPhoneCheck, maxPerRun: 1 };
    const withoutIt = { checks: [], fixTaskCheckIndexes: [], maxPerRun: 200 };
    // the same finding under another check id: the task's problem is gone, but its record fails anew
    const renamed = { checks: [{ index: 1, checkId: 'phone-present-renamed' }], fixTaskCheckIndexes: [1], maxPerRun: 200 };
    const checks = [phonePresent, { ...phonePresent, checkId: 'phone-present-renamed' }];
    expect(await inReadOnlySnapshot(database.db, TIMEOUT_MS, (snapshot) => countFixTasks(snapshot, SITE, checks, [withPhoneCheck, capped, withoutIt, renamed], ids))).toEqual([
      // two phone-less records get a task; the third keeps its own
      { wouldOpen: 2, wouldResolve: 0 },
      { wouldOpen: 1, wouldResolve: 0 },
      // without the check its problem is gone: the open task resolves
      { wouldOpen: 0, wouldResolve: 1 },
      // the task resolves first, then its record gets a new one like the two others
      { wouldOpen: 3, wouldResolve: 1 },
    ]);
  });
});
