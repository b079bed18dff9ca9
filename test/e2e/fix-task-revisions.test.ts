import type { CustomerRecord } from '../../core/customer';
import { auditNowOverApi } from '../support/audit-api';
import { CLEAN_PARIS_RECORD } from '../support/audit-records';
import { call, startTestPlatform, type TestPlatform } from '../support/platform';

const PARIS = 'fr-paris-hq';
const CRM_EMAIL = 'crm@paris.example';

const ann: CustomerRecord = CLEAN_PARIS_RECORD;
const bruno: CustomerRecord = {
  givenName: 'Bruno',
  familyName: 'Marchal',
  country: 'FR',
  email: 'bruno.marchal@example.fr',
  phone: '+33698765432',
  postcode: '69002',
  city: 'Lyon',
  birthDate: '1971-09-02',
};

describe('a revision that fixes what an audit found closes the data-fix task', () => {
  let platform: TestPlatform;
  let crm: string;
  let crmUserId: string;
  let officer: string;
  const sourceRecords: Record<string, string> = {};
  const customers: Record<string, string> = {};

  const onboard = async (label: string, sourceSystem: string, sourceId: string, record: CustomerRecord) => {
    const response = await call(platform.baseUrl, 'POST', `/api/sites/${PARIS}/customers`, { token: crm, body: { sourceSystem, sourceId, record } });
    expect(response.status).toBe(201);
    customers[label] = response.body.outcome.customerId;
    sourceRecords[label] = (await platform.database.db('source_records').where({ site_id: PARIS, source_system: sourceSystem, source_id: sourceId }).first('id')).id;
  };
  /** What got in before Paris checked emails as it does now: a malformed address in the stored record. */
  const plantMalformedEmail = (label: string, email: string) =>
    platform.database.db('source_records').where({ id: sourceRecords[label] }).update({ record: platform.database.db.raw(`record || jsonb_build_object('email', ?::text)`, [email]) });
  const revise = (path: string, record: CustomerRecord) => call(platform.baseUrl, 'PUT', `/api/sites/${PARIS}/customers/${path}`, { token: crm, body: { record } });
  const audit = () => auditNowOverApi(platform.baseUrl, officer, PARIS);
  const fixTasksOf = async (customer: string) => {
    const { body } = await call(platform.baseUrl, 'GET', `/api/tasks?type=data_fix&site=${PARIS}&limit=500`, { token: officer });
    return body.tasks.filter((task: any) => task.customerId === customers[customer]);
  };
  const taskById = async (id: string) => (await call(platform.baseUrl, 'GET', `/api/tasks/${id}`, { token: officer })).body;
  const taskChanges = (taskId: string) => platform.database.db('change_log').where({ entity_type: 'task', entity_id: taskId }).orderBy('id');

  beforeAll(async () => {
    platform = await startTestPlatform();
    crm = await platform.tokenFor(['integration'], [PARIS], CRM_EMAIL);
    crmUserId = (await platform.database.db('users').where({ email: CRM_EMAIL }).first('id')).id;
    officer = await platform.tokenFor(['compliance'], [PARIS]);
    await onboard('ann', 'crm', 'C-1', ann);
    await onboard('bruno-crm', 'crm', 'C-2', bruno);
    // the same person from the till system: joins Bruno's golden record
    await onboard('bruno-pos', 'pos', 'P-2', bruno);
    customers.bruno = customers['bruno-crm'];
    expect(customers['bruno-pos']).toBe(customers.bruno);
    await plantMalformedEmail('ann', 'ann.lee(at)example.fr');
    await plantMalformedEmail('bruno-crm', 'bruno.marchal(at)example.fr');
    await plantMalformedEmail('bruno-pos', 'bruno.marchal@@example.fr');
  });
  afterAll(() => platform.stop());

  let annTaskId: string;
  let brunoTaskId: string;

  it('opens one data-fix task per customer for the malformed emails', async () => {
    const run = await audit();
    expect(run.scorecard.find((score: any) => score.checkId === 'validity-email')).toMatchObject({ rowsChecked: 3, rowsFailed: 3, passed: false });
    const [annTask] = await fixTasksOf('ann');
    expect(annTask).toMatchObject({ status: 'open', details: { problems: [{ checkId: 'validity-email', sourceRecordId: sourceRecords.ann, reason: 'email: not a well-formed address' }] } });
    const [brunoTask] = await fixTasksOf('bruno');
    expect(brunoTask.details.problems.map((problem: any) => problem.sourceRecordId).sort()).toEqual([sourceRecords['bruno-crm'], sourceRecords['bruno-pos']].sort());
    [annTaskId, brunoTaskId] = [annTask.id, brunoTask.id];
  });

  it('resolves the task when the site sends the corrected record, saying who and when', async () => {
    const before = new Date();
    const response = await revise('crm/C-1', { ...ann, email: 'ann.lee@example.org' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ revised: true, customerId: customers.ann });

    const task = await taskById(annTaskId);
    expect(task).toMatchObject({ status: 'resolved', decision: 'fixed', decidedBy: crmUserId, decidedVia: 'revision' });
    expect(new Date(task.decidedAt).getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    const changes = await taskChanges(annTaskId);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ action: 'resolved', actor: crmUserId, rules_version: response.body.rulesVersion, after: { status: 'resolved', via: 'revision', sourceRecordId: sourceRecords.ann } });

    // the same content again changes nothing
    expect((await revise('crm/C-1', { ...ann, email: 'ann.lee@example.org' })).body.revised).toBe(false);
    expect(await taskChanges(annTaskId)).toHaveLength(1);
  });

  it('keeps the task open while one of its problems remains, with only that one', async () => {
    expect((await revise('crm/C-2', { ...bruno, email: 'bruno@example.org' })).status).toBe(200);
    const task = await taskById(brunoTaskId);
    expect(task.status).toBe('open');
    expect(task.details.problems).toEqual([{ checkId: 'validity-email', sourceRecordId: sourceRecords['bruno-pos'], reason: 'email: not a well-formed address' }]);
    const [narrowed] = await taskChanges(brunoTaskId);
    expect(narrowed).toMatchObject({ action: 'problems fixed', actor: crmUserId, after: { fixed: [expect.objectContaining({ sourceRecordId: sourceRecords['bruno-crm'] })] } });
  });

  it('does not reopen a fixed task at the next audit, which still finds the problem left', async () => {
    const run = await audit();
    expect(run.scorecard.find((score: any) => score.checkId === 'validity-email')).toMatchObject({ rowsChecked: 3, rowsFailed: 1 });
    expect(await fixTasksOf('ann')).toEqual([expect.objectContaining({ id: annTaskId, status: 'resolved', decidedBy: crmUserId })]);
    expect(await fixTasksOf('bruno')).toEqual([expect.objectContaining({ id: brunoTaskId, status: 'open' })]);
    expect((await taskById(brunoTaskId)).details.problems).toHaveLength(1);
  });

  it('resolves the task once the last problem is fixed too', async () => {
    expect((await revise('pos/P-2', { ...bruno, email: 'bruno@example.org' })).status).toBe(200);
    expect(await taskById(brunoTaskId)).toMatchObject({ status: 'resolved', decision: 'fixed', decidedBy: crmUserId, decidedVia: 'revision' });
    const run = await audit();
    expect(run.scorecard.find((score: any) => score.checkId === 'validity-email')).toMatchObject({ rowsFailed: 0, passed: true });
    expect((await fixTasksOf('bruno')).map((task: any) => task.status)).toEqual(['resolved']);
  });
});
