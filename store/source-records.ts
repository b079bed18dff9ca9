import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { CustomerRecord, RecordProblem } from '../core/customer';
import type { MatchKeys } from '../core/matching/keys';
import type { OnboardingOutcome } from '../core/onboarding';

export type SourceRecordStatus = 'received' | 'linked' | 'pending_review' | 'rejected';

export interface SourceRecordKey {
  siteId: string;
  sourceSystem: string;
  sourceId: string;
}

export interface SourceRecord extends SourceRecordKey {
  id: string;
  status: SourceRecordStatus;
  customerId: string | null;
  raw: CustomerRecord;
  rawHash: string;
  record: CustomerRecord | null;
  problems: RecordProblem[] | null;
  outcome: OnboardingOutcome | null;
  rulesVersion: string | null;
  workflowId: string | null;
  /** the user whose request brought the record in */
  receivedBy: string | null;
  receivedAt: Date;
  /** when the site last sent new content for it (null: never since the first receipt) */
  revisedAt: Date | null;
  updatedAt: Date;
}

type Queryable = Knex | Knex.Transaction;

/** A stable hash of what a site sent: a repeat with the same content is the same record. */
export function recordHash(record: CustomerRecord): string {
  const sorted = Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** Stores a received record once per (site, system, source id). `created` is false when it was
 * there already; the stored one is returned either way. */
export async function receiveSourceRecord(
  db: Queryable,
  key: SourceRecordKey,
  raw: CustomerRecord,
  workflowId: string,
  receivedBy: string,
): Promise<{ sourceRecord: SourceRecord; created: boolean }> {
  const inserted = await db('source_records')
    .insert({
      received_by: receivedBy,
      site_id: key.siteId,
      source_system: key.sourceSystem,
      source_id: key.sourceId,
      raw: JSON.stringify(raw),
      raw_hash: recordHash(raw),
      workflow_id: workflowId,
    })
    .onConflict(['site_id', 'source_system', 'source_id'])
    .ignore()
    .returning('*');
  if (inserted.length > 0) return { sourceRecord: fromRow(inserted[0]), created: true };
  const existing = await findSourceRecordByKey(db, key);
  if (!existing) throw new Error('source record vanished between insert and read');
  return { sourceRecord: existing, created: false };
}

export async function findSourceRecordByKey(
  db: Queryable,
  key: SourceRecordKey,
  options: { forUpdate?: boolean } = {},
): Promise<SourceRecord | undefined> {
  const query = db('source_records').where({ site_id: key.siteId, source_system: key.sourceSystem, source_id: key.sourceId }).first();
  if (options.forUpdate) query.forUpdate();
  const row = await query;
  return row ? fromRow(row) : undefined;
}

/** New content from the site for a stored record: what it sent, as sent (normalise it next). */
export async function reviseRaw(db: Queryable, id: string, raw: CustomerRecord): Promise<void> {
  await db('source_records')
    .where({ id })
    .update({ raw: JSON.stringify(raw), raw_hash: recordHash(raw), revised_at: db.fn.now(), updated_at: db.fn.now() });
}

export async function getSourceRecord(db: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<SourceRecord> {
  const query = db('source_records').where({ id }).first();
  if (options.forUpdate) query.forUpdate();
  const row = await query;
  if (!row) throw new Error(`no source record ${id}`);
  return fromRow(row);
}

export async function sourceRecordsOfCustomer(db: Queryable, customerId: string): Promise<SourceRecord[]> {
  const rows = await db('source_records').where({ customer_id: customerId }).orderBy('received_at');
  return rows.map(fromRow);
}

export async function saveNormalised(
  db: Queryable,
  id: string,
  normalised: { record: CustomerRecord; keys: MatchKeys; rulesVersion: string },
): Promise<void> {
  await db('source_records')
    .where({ id })
    .update({
      record: JSON.stringify(normalised.record),
      ...normalised.keys,
      problems: null,
      rules_version: normalised.rulesVersion,
      updated_at: db.fn.now(),
    });
}

export async function markRejected(db: Queryable, id: string, problems: RecordProblem[], rulesVersion: string): Promise<void> {
  await db('source_records')
    .where({ id })
    .update({ status: 'rejected', problems: JSON.stringify(problems), rules_version: rulesVersion, updated_at: db.fn.now() });
}

export async function setOutcome(db: Queryable, id: string, outcome: OnboardingOutcome): Promise<void> {
  await db('source_records').where({ id }).update({ outcome: JSON.stringify(outcome), updated_at: db.fn.now() });
}

function fromRow(row: Record<string, any>): SourceRecord {
  return {
    id: row.id,
    siteId: row.site_id,
    sourceSystem: row.source_system,
    sourceId: row.source_id,
    status: row.status,
    customerId: row.customer_id,
    raw: row.raw,
    rawHash: row.raw_hash,
    record: row.record,
    problems: row.problems,
    outcome: row.outcome,
    rulesVersion: row.rules_version,
    workflowId: row.workflow_id,
    receivedBy: row.received_by,
    receivedAt: row.received_at,
    revisedAt: row.revised_at,
    updatedAt: row.updated_at,
  };
}

export async function findSourceRecordByWorkflowId(db: Queryable, workflowId: string): Promise<SourceRecord | undefined> {
  const row = await db('source_records').where({ workflow_id: workflowId }).first();
  return row ? fromRow(row) : undefined;
}
