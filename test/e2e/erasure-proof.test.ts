import type { Client } from '@temporalio/client';
import { listOutboxMessages } from '../../store/outbox';
import type { Db } from '../../runtime/db';
import { call, startTestPlatform, type TestPlatform } from '../support/platform';
import { erasureRequestPast } from '../support/erasure';
import { onboarded } from '../support/retention';

const PARIS = 'fr-paris-hq';
const LYON = 'fr-lyon-store';

const zelie = { givenName: 'Zélie', familyName: 'Quintessa', email: 'Zelie.Quintessa@proof.example', phone: '06 98 76 54 32', postcode: '69003', birthDate: '1981-11-23', city: 'Lyon', country: 'FR' };

/** Every form the person's name, email and phone may take once stored: as sent, normalised, cased
 * (some columns hold names in upper case), folded into match keys. */
const NEEDLES = ['Quintessa', 'Zélie', 'ZÉLIE', 'zélie', 'zelie', 'zelie.quintessa@proof.example', '06 98 76 54 32', '0698765432', '+33698765432', '698765432'];

/** Every text, character, JSON and array column of every table, searched for every needle. */
async function personalDataInDatabase(db: Db): Promise<string[]> {
  const columns: Array<{ table_name: string; column_name: string }> = await db('information_schema.columns')
    .where({ table_schema: 'public' })
    .whereIn('data_type', ['text', 'character varying', 'jsonb', 'json', 'ARRAY', 'USER-DEFINED'])
    .select('table_name', 'column_name');
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const [{ n }] = await db(table).whereRaw('??::text ILIKE ANY (?)', [column, NEEDLES.map((needle) => `%${needle}%`)]).count('* as n');
    if (Number(n) > 0) found.push(`${table}.${column}`);
  }
  expect(columns.length).toBeGreaterThan(50);
  return found;
}

/** Payload data arrive base64-encoded (or as bytes): decoded, so a value in any input, result or
 * update shows as text. */
function decodedPayloadData(key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
  return value;
}

/** The histories of every workflow of this platform's task queue, payloads decoded to text. */
async function workflowHistories(client: Client, taskQueue: string): Promise<Map<string, string>> {
  const histories = new Map<string, string>();
  for await (const workflow of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const history = await client.workflow.getHandle(workflow.workflowId, workflow.runId).fetchHistory();
    histories.set(`${workflow.workflowId}/${workflow.runId}`, JSON.stringify(history, decodedPayloadData));
  }
  return histories;
}

const mentions = (text: string) => NEEDLES.filter((needle) => text.toLowerCase().includes(needle.toLowerCase()));

describe('proof of erasure', () => {
  let platform: TestPlatform;
  const logs: string[] = [];
  const spies: jest.SpyInstance[] = [];

  beforeAll(async () => {
    const capture = (chunk: unknown) => logs.push(String(chunk));
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      spies.push(jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => (capture(chunk), (write as (...args: unknown[]) => boolean)(chunk, ...rest))) as never));
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[method].bind(console);
      spies.push(jest.spyOn(console, method).mockImplementation((...args: unknown[]) => (capture(args.map(String).join(' ')), original(...args))));
    }
    platform = await startTestPlatform({ log: (line) => logs.push(line) });
  });
  afterAll(async () => {
    spies.forEach((spy) => spy.mockRestore());
    await platform.stop();
  });

  it('leaves no name, email or phone of an erased customer in PostgreSQL, the logs, the outbox or the workflow histories', async () => {
    const { db } = platform.database;
    const parisSystem = await platform.tokenFor(['integration'], [PARIS]);
    const lyonSystem = await platform.tokenFor(['integration'], [LYON]);
    const officer = await platform.tokenFor(['compliance'], [PARIS, LYON], 'officer@group.example');

    // at Paris through the API, at Lyon through a CSV import (whose raw rows are staged): one golden record
    const customerId = await onboarded(platform, parisSystem, PARIS, 'crm', 'Z-1', zelie);
    const csv = ['source_id,givenName,familyName,email,phone,postcode,city,birthDate,country', `ZL-1,${zelie.givenName},${zelie.familyName},${zelie.email},${zelie.phone},${zelie.postcode},${zelie.city},${zelie.birthDate},FR`, ''].join('\n');
    const started = await call(platform.baseUrl, 'POST', `/api/sites/${LYON}/imports?sourceSystem=pos`, { token: lyonSystem, rawBody: csv, contentType: 'text/csv' });
    expect(started.status).toBe(202);
    await platform.client.workflow.getHandle(started.body.workflowId).result();
    expect((await db('source_records').where({ customer_id: customerId })).map((row) => row.site_id).sort()).toEqual([PARIS, LYON].sort());

    // a neighbour: same city and postcode, otherwise another person
    const neighbourId = await onboarded(platform, parisSystem, PARIS, 'crm', 'N-1', { givenName: 'Yves', familyName: 'Voisin', email: 'yves.voisin@proof.example', postcode: zelie.postcode, city: zelie.city, birthDate: '1950-02-01', country: 'FR' });
    const neighbourBefore = await db('change_log').where({ entity_id: neighbourId }).orderBy('id');

    // before erasure the search finds her everywhere it should: the search itself works
    expect(await personalDataInDatabase(db)).toEqual(expect.arrayContaining(['source_records.raw', 'customers.record', 'import_rows.record', 'change_log.after']));

    const filed = await call(platform.baseUrl, 'POST', '/api/erasure-requests', { token: officer, body: { customerId, requester: 'privacy@group.example', reason: 'GDPR art. 17' } });
    expect(filed.status).toBe(201);
    expect((await call(platform.baseUrl, 'POST', `/api/erasure-requests/${filed.body.id}/decision`, { token: officer, body: { decision: 'approve', reason: 'identity checked' } })).status).toBe(200);
    const done = await erasureRequestPast(platform, officer, filed.body.id, 'approved');
    expect(done.status).toBe('completed');
    await platform.client.workflow.getHandle(filed.body.workflowId).result();

    expect(await personalDataInDatabase(db)).toEqual([]);
    // nothing of anyone else is touched: not the neighbour's records or lineage, nor the sites named in mails
    expect(await db('change_log').where({ entity_id: neighbourId }).orderBy('id')).toEqual(neighbourBefore);
    expect((await db('customers').where({ id: neighbourId }).first()).record).toMatchObject({ familyName: 'Voisin', city: 'Lyon' });
    const outbox = await listOutboxMessages(db, { limit: 1000, offset: 0 });
    expect(outbox.length).toBeGreaterThan(0);
    expect(outbox.some((message) => message.text?.includes(`Sites concerned: ${LYON}, ${PARIS}`))).toBe(true);
    expect(outbox.flatMap((message) => mentions(JSON.stringify(message)))).toEqual([]);
    expect(mentions(logs.join('\n'))).toEqual([]);

    const histories = await workflowHistories(platform.client, platform.taskQueue);
    const kinds = [...histories.keys()].map((key) => key.split(':')[0]).sort();
    expect(new Set(kinds)).toEqual(new Set(['erasure', 'import', 'onboarding']));
    // payloads are decoded, so a value in an input, result or update would show (ids do)
    expect([...histories.values()].some((history) => history.includes(`"requestId\\":\\"${filed.body.id}`))).toBe(true);
    // the officer's free-text reason is stored, not carried in the decision Update
    expect([...histories.values()].some((history) => history.includes('identity checked'))).toBe(false);
    for (const [workflow, history] of histories) expect({ workflow, found: mentions(history) }).toEqual({ workflow, found: [] });
  });
});
