import path from 'node:path';
import { auditInProcess, createAuditActivities } from '../../activities/audits';
import { FIRST_PAGE_AFTER } from '../../core/audits/paging';
import type { CustomerRecord } from '../../core/customer';
import type { SiteRulesSource } from '../../core/rules/types';
import { rulesFromFiles } from '../../runtime/rule-files';
import { createTestDatabase, type TestDatabase } from '../support/servers';

const PARIS = 'fr-paris-hq';
const CLEAN: CustomerRecord = { givenName: 'Ann', familyName: 'Lee', country: 'FR', email: 'ann.lee@example.fr' };
const NO_GIVEN_NAME: CustomerRecord = { familyName: 'Lee', country: 'FR', email: 'ann.lee@example.fr' };

describe('data-fix tasks from audits', () => {
  let database: TestDatabase;
  let runs = 0;
  const sourceRecords: Record<string, string> = {};
  const customers: Record<string, string> = {};

  /** Paris rules with at most two new fix tasks per run. */
  const registry = rulesFromFiles(path.join(__dirname, '..', '..', 'rules'));
  const rules: SiteRulesSource = {
    siteIds: () => registry.siteIds(),
    forSite: (siteId) => {
      const versioned = registry.forSite(siteId)!;
      return { ...versioned, rules: { ...versioned.rules, audits: { ...versioned.rules.audits, fixTasks: { minSeverity: 'high', maxPerRun: 2 } } } };
    },
  };

  async function seed(label: string, customer: string, record: CustomerRecord): Promise<void> {
    const { db } = database;
    customers[customer] ??= (await db('customers').insert({ home_site_id: PARIS, record: '{}', provenance: '{}', rules_version: 'seed' }).returning('id'))[0].id;
    const [row] = await db('source_records')
      .insert({ site_id: PARIS, source_system: 'seed', source_id: label, status: 'linked', customer_id: customers[customer], raw: '{}', raw_hash: label, record: JSON.stringify(record) })
      .returning('id');
    sourceRecords[label] = row.id;
  }

  const audit = async () => {
    runs += 1;
    const activities = createAuditActivities({ db: database.db, rules, heartbeat: () => undefined });
    return (await auditInProcess(activities, { siteId: PARIS, workflowId: `audit:${PARIS}:${runs}`, pageSize: 3 })).fixTasks;
  };
  const openTasks = () => database.db('tasks').where({ type: 'data_fix', status: 'open' });
  const taskOf = async (customer: string) => database.db('tasks').where({ type: 'data_fix', customer_id: customers[customer] }).first();

  beforeAll(async () => {
    database = await createTestDatabase();
    await seed('critical', 'critical', { ...CLEAN, email: 'ann.lee(at)example.fr' });
    await seed('two-records-1', 'two-records', NO_GIVEN_NAME);
    await seed('two-records-2', 'two-records', NO_GIVEN_NAME);
    for (const label of ['a', 'b', 'c', 'd', 'e']) await seed(label, label, NO_GIVEN_NAME);
    await seed('clean', 'clean', CLEAN);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('opens at most maxPerRun tasks per run, the most severe and largest first, and never two for one customer', async () => {
    expect(await audit()).toEqual({ created: 2, updated: 0, resolved: 0 });
    expect((await openTasks()).map((task) => task.customer_id).sort()).toEqual([customers.critical, customers['two-records']].sort());
    const grouped = await taskOf('two-records');
    expect(grouped.details.problems).toHaveLength(4);
    expect(grouped.details.problems.map((problem: any) => problem.checkId).sort()).toEqual([
      'completeness-identity',
      'completeness-identity',
      'conformity-site-rules',
      'conformity-site-rules',
    ]);

    expect((await audit()).created).toBe(2);
    expect((await audit()).created).toBe(2);
    expect((await audit()).created).toBe(1);
    expect(await audit()).toMatchObject({ created: 0, resolved: 0 });
    const open = await openTasks();
    expect(open).toHaveLength(7);
    expect(new Set(open.map((task) => task.customer_id)).size).toBe(7);
  });

  it('adds what a later audit finds to the open task of the customer', async () => {
    await database.db('source_records').where({ id: sourceRecords.critical }).update({ record: JSON.stringify({ ...NO_GIVEN_NAME, email: 'ann.lee(at)example.fr' }) });
    expect(await audit()).toMatchObject({ created: 0, resolved: 0 });
    const task = await taskOf('critical');
    expect(task.details.problems.map((problem: any) => problem.checkId)).toEqual(['completeness-identity', 'conformity-site-rules', 'validity-email']);
    expect(await openTasks()).toHaveLength(7);
  });

  it('resolves a task when an audit finds none of its problems any more', async () => {
    await database.db('source_records').where({ id: sourceRecords.a }).update({ record: JSON.stringify(CLEAN) });
    expect(await audit()).toMatchObject({ created: 0, resolved: 1 });
    expect(await taskOf('a')).toMatchObject({ status: 'resolved', decision: 'fixed', decided_by: 'audit' });
    expect(await openTasks()).toHaveLength(6);
    // fixed for good: the next audit opens nothing for that customer
    expect(await audit()).toMatchObject({ created: 0, resolved: 0 });
    expect(await database.db('tasks').where({ type: 'data_fix', customer_id: customers.a })).toHaveLength(1);
  });

  it('opens no task for a record revised while the run went: the revision judged it after its page was read', async () => {
    await seed('revised-meanwhile', 'revised-meanwhile', { ...CLEAN, email: 'ann.lee(at)example.fr' });
    runs += 1;
    const activities = createAuditActivities({ db: database.db, rules, heartbeat: () => undefined });
    const { runId } = await activities.beginAuditRun({ siteId: PARIS, workflowId: `audit:${PARIS}:${runs}` });
    expect((await activities.auditPage({ runId, pageNumber: 0, afterId: FIRST_PAGE_AFTER, pageSize: 100 })).done).toBe(true);
    // the site corrects the address after the page read it, before the run opens its tasks
    await database.db('source_records').where({ id: sourceRecords['revised-meanwhile'] }).update({ record: JSON.stringify(CLEAN), revised_at: database.db.fn.now() });
    await activities.scoreAuditRun({ runId });
    await activities.syncAuditFixTasks({ runId });
    expect(await taskOf('revised-meanwhile')).toBeUndefined();
    // the next run reads the corrected record: nothing to fix
    await audit();
    expect(await taskOf('revised-meanwhile')).toBeUndefined();
  });
});
