import { isDeepStrictEqual } from 'node:util';
import type { Knex } from 'knex';
import { foldText } from '../core/matching/keys';
import type { SiteRules } from '../core/rules/types';
import { computeGoldenRecord } from '../core/survivorship';
import { appendChange } from '../store/change-log';
import { findGoldenRecord, insertGoldenRecord, updateGoldenRecord, type GoldenRecord } from '../store/customers';
import { sourceRecordsOfCustomer, type SourceRecord } from '../store/source-records';
import type { CustomerRecord } from '../core/customer';

function survivorSource(sourceRecord: SourceRecord) {
  if (!sourceRecord.record) throw new Error(`source record ${sourceRecord.id} is not normalised`);
  return {
    sourceRecordId: sourceRecord.id,
    siteId: sourceRecord.siteId,
    sourceSystem: sourceRecord.sourceSystem,
    receivedAt: sourceRecord.revisedAt ?? sourceRecord.receivedAt,
    record: sourceRecord.record,
  };
}

function nameKeyOf(record: CustomerRecord): string | null {
  const key = [foldText(record.givenName), foldText(record.familyName)].filter(Boolean).join(' ');
  return key || null;
}

/** A new golden record made from one source record alone (a new customer, a record kept
 * distinct, or one split off by an unmerge), with the record linked to it. */
export async function giveOwnGoldenRecord(
  trx: Knex.Transaction,
  sourceRecord: SourceRecord,
  rules: SiteRules,
  rulesVersion: string,
  actor: string,
): Promise<GoldenRecord> {
  const { record, provenance } = computeGoldenRecord([survivorSource(sourceRecord)], rules.survivorship);
  const golden = await insertGoldenRecord(trx, sourceRecord.siteId, { record, provenance, nameKey: nameKeyOf(record), rulesVersion });
  await appendChange(trx, {
    entityType: 'customer',
    entityId: golden.id,
    siteId: sourceRecord.siteId,
    action: 'created',
    after: record,
    actor,
    rulesVersion,
    idempotencyKey: `${sourceRecord.id}:golden-created:${golden.id}`,
  });
  await linkSourceRecord(trx, sourceRecord, golden.id, actor, rulesVersion);
  return golden;
}

/** Links a source record to an existing golden record and derives that record again. */
export async function mergeIntoGoldenRecord(
  trx: Knex.Transaction,
  sourceRecord: SourceRecord,
  customerId: string,
  rules: SiteRules,
  rulesVersion: string,
  actor: string,
): Promise<GoldenRecord> {
  // Lock the golden record before the link: the link's foreign key takes a share lock on it, and
  // two merges into one record that both held that lock would deadlock upgrading it.
  if (!(await findGoldenRecord(trx, customerId, { forUpdate: true }))) throw new Error(`no golden record ${customerId}`);
  await linkSourceRecord(trx, sourceRecord, customerId, actor, rulesVersion);
  return recomputeGoldenRecord(trx, customerId, rules, rulesVersion, actor, `${actor}:${sourceRecord.id}:linked:${customerId}`);
}

async function linkSourceRecord(
  trx: Knex.Transaction,
  sourceRecord: SourceRecord,
  customerId: string,
  actor: string,
  rulesVersion: string,
): Promise<void> {
  await trx('source_records').where({ id: sourceRecord.id }).update({ status: 'linked', customer_id: customerId, updated_at: trx.fn.now() });
  await appendChange(trx, {
    entityType: 'source_record',
    entityId: sourceRecord.id,
    siteId: sourceRecord.siteId,
    action: 'linked',
    before: { status: sourceRecord.status, customerId: sourceRecord.customerId },
    after: { status: 'linked', customerId },
    actor,
    rulesVersion,
    idempotencyKey: `${actor}:${sourceRecord.id}:linked:${customerId}`,
  });
}

/** Derives the golden record again from all its source records under the survivorship rules;
 * writes it, with lineage, only when something changed. */
export async function recomputeGoldenRecord(
  trx: Knex.Transaction,
  customerId: string,
  rules: SiteRules,
  rulesVersion: string,
  actor: string,
  idempotencyKey: string,
): Promise<GoldenRecord> {
  const current = await findGoldenRecord(trx, customerId, { forUpdate: true });
  if (!current) throw new Error(`no golden record ${customerId}`);
  const sources = await sourceRecordsOfCustomer(trx, customerId);
  const { record, provenance } = computeGoldenRecord(sources.map(survivorSource), rules.survivorship);
  if (isDeepStrictEqual(record, current.record) && isDeepStrictEqual(provenance, current.provenance)) {
    return current;
  }
  const updated = await updateGoldenRecord(trx, customerId, { record, provenance, nameKey: nameKeyOf(record), rulesVersion });
  await appendChange(trx, {
    entityType: 'customer',
    entityId: customerId,
    siteId: current.homeSiteId,
    action: 'recomputed',
    before: current.record,
    after: record,
    actor,
    rulesVersion,
    idempotencyKey: `${idempotencyKey}:golden-recomputed`,
  });
  return updated;
}
