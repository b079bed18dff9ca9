import type { Knex } from 'knex';

/** Removing a person's data from the tables that hold it, for purges and erasure alike. Every
 * function runs inside the caller's transaction, so a page or an erasure happens whole or not. */

export type RemovalMode = 'delete' | 'anonymise';

/** What an anonymised change-log value becomes. */
const REDACTED = JSON.stringify({ redacted: true });

/** Replaces the personal values (before/after) of the change-log entries of these customers and
 * source records. The change log stays append-only otherwise: its trigger lets this one update
 * through, inside this transaction only. */
export async function redactChangeLog(trx: Knex.Transaction, entityIds: string[], redactedBy: string): Promise<number> {
  if (entityIds.length === 0) return 0;
  return redactChangeLogWhere(trx, redactedBy, (q) => q.whereIn('entity_type', ['customer', 'source_record']).whereIn('entity_id', entityIds));
}

/** Redacts the change-log entries with these ids. */
export async function redactChangeLogEntries(trx: Knex.Transaction, ids: string[], redactedBy: string): Promise<number> {
  if (ids.length === 0) return 0;
  return redactChangeLogWhere(trx, redactedBy, (q) => q.whereIn('id', ids));
}

async function redactChangeLogWhere(trx: Knex.Transaction, redactedBy: string, where: (q: Knex.QueryBuilder) => void): Promise<number> {
  await trx.raw("SELECT set_config('stewardship.redacting', 'on', true)");
  const updated = await trx('change_log')
    .modify(where)
    .whereNull('redacted_at')
    .update({
      before: trx.raw(`CASE WHEN before IS NULL THEN NULL ELSE ?::jsonb END`, [REDACTED]),
      after: trx.raw(`CASE WHEN after IS NULL THEN NULL ELSE ?::jsonb END`, [REDACTED]),
      redacted_at: trx.fn.now(),
      redacted_by: redactedBy,
    });
  await trx.raw("SELECT set_config('stewardship.redacting', 'off', true)");
  return updated;
}

/** Deletes source records, or keeps each as an anonymous stub (site, system, times; no value, no
 * link to a golden record). Either way their match evaluations, kept-distinct pairs, staged import
 * rows and change-log values go, and their open tasks are cancelled. Returns the golden records
 * they fed, which the caller derives again or removes. */
export async function removeSourceRecords(trx: Knex.Transaction, ids: string[], mode: RemovalMode, actor: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const customerIds: string[] = await trx('source_records').whereIn('id', ids).whereNotNull('customer_id').distinct('customer_id').pluck('customer_id');

  const evaluations = trx('match_evaluations').select('id').where((q) => q.whereIn('source_record_id', ids).orWhereIn('matched_source_record_id', ids));
  await detachTasks(trx, (q) => q.whereIn('source_record_id', ids).orWhereIn('match_evaluation_id', evaluations.clone()), {
    source_record_id: mode === 'delete' ? null : undefined,
  });
  await trx('tasks').whereIn('match_evaluation_id', evaluations.clone()).update({ match_evaluation_id: null });
  await trx('match_evaluations').whereIn('id', evaluations).delete();
  await trx('distinct_pairs').whereIn('source_record_id', ids).orWhereIn('other_source_record_id', ids).delete();
  await trx('import_rows')
    .whereIn('source_record_id', ids)
    .update({ record: '{}', reason: null, source_id: trx.raw(`'anonymised:' || line_number`), source_record_id: mode === 'delete' ? null : trx.raw('source_record_id') });
  await redactChangeLog(trx, ids, actor);

  if (mode === 'delete') {
    await trx('source_records').whereIn('id', ids).delete();
  } else {
    await trx('source_records')
      .whereIn('id', ids)
      .update({
        status: 'anonymised',
        customer_id: null,
        raw: '{}',
        raw_hash: 'anonymised',
        record: null,
        problems: null,
        outcome: null,
        source_id: trx.raw(`'anonymised:' || id`),
        workflow_id: null,
        received_by: null,
        ...Object.fromEntries(MATCH_KEY_COLUMNS.map((column) => [column, null])),
        updated_at: trx.fn.now(),
      });
  }
  return customerIds;
}

const MATCH_KEY_COLUMNS = [
  'given_name_key',
  'family_name_key',
  'name_key',
  'birth_date',
  'email_key',
  'phone_key',
  'postcode_key',
  'city_key',
  'street_key',
  'national_id_key',
] as const;

/** Deletes golden records that no source record feeds any more, with their evaluations and the
 * personal values of their lineage; tasks that named them keep their history without the link. */
export async function removeGoldenRecords(trx: Knex.Transaction, customerIds: string[], actor: string): Promise<void> {
  if (customerIds.length === 0) return;
  const evaluations = trx('match_evaluations').select('id').whereIn('customer_id', customerIds);
  await detachTasks(trx, (q) => q.whereIn('customer_id', customerIds).orWhereIn('match_evaluation_id', evaluations.clone()), { customer_id: null });
  await trx('tasks').whereIn('match_evaluation_id', evaluations.clone()).update({ match_evaluation_id: null });
  await trx('match_evaluations').whereIn('id', evaluations).delete();
  await redactChangeLog(trx, customerIds, actor);
  await trx('customers').whereIn('id', customerIds).delete();
}

/** Cancels the open tasks that match and clears the given links; decided tasks keep their status. */
async function detachTasks(trx: Knex.Transaction, where: (q: Knex.QueryBuilder) => void, links: Record<string, null | undefined>): Promise<void> {
  const cleared = Object.fromEntries(Object.entries(links).filter(([, value]) => value === null));
  await trx('tasks')
    .where(where)
    .update({
      ...cleared,
      status: trx.raw(`CASE WHEN status = 'open' THEN 'cancelled' ELSE status END`),
      updated_at: trx.fn.now(),
    });
}

/** Cleans the person's values out of the places that may hold them without a link to the person.
 * Free text (mails in the outbox, task comments, decision notes, request and hold reasons): the
 * words matching `freeText` are replaced. Structured data (change-log values, staged import rows,
 * task details): a value holding one of the person's `identifiers` is cleaned whole. Both are
 * PostgreSQL regular expressions matched case-insensitively. Returns the rows changed per table. */
export async function cleanFreeText(
  trx: Knex.Transaction,
  patterns: { freeText?: string; identifiers?: string },
  erased: string,
  redactedBy: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const { freeText, identifiers } = patterns;
  if (freeText) {
    const replace = (column: string) => trx.raw(`regexp_replace(??, ?, ?, 'gi')`, [column, freeText, erased]);
    const matches = (column: string) => (q: Knex.QueryBuilder) => q.orWhereRaw('?? ~* ?', [column, freeText]);
    const cleanColumns = async (table: string, columns: string[]) =>
      trx(table)
        .where((q) => columns.forEach((column) => matches(column)(q)))
        .update(Object.fromEntries(columns.map((column) => [column, replace(column)])));
    counts.outbox_messages = await trx('outbox_messages')
      .where((q) => ['subject', 'text', 'html'].forEach((column) => matches(column)(q)))
      .orWhereRaw('EXISTS (SELECT 1 FROM unnest(to_addresses) AS a WHERE a ~* ?)', [freeText])
      .update({
        subject: replace('subject'),
        text: replace('text'),
        html: replace('html'),
        to_addresses: trx.raw('ARRAY(SELECT a FROM unnest(to_addresses) AS a WHERE a !~* ?)', [freeText]),
      });
    counts.task_comments = await cleanColumns('task_comments', ['comment']);
    counts.task_decisions = await cleanColumns('task_decisions', ['comment']);
    counts.decision_notes = await cleanColumns('decision_notes', ['note']);
    counts.erasure_requests = await cleanColumns('erasure_requests', ['reason', 'decision_reason']);
    counts.legal_holds = await cleanColumns('legal_holds', ['reason', 'lift_reason']);
  }
  if (identifiers) {
    counts.tasks = await trx('tasks').whereRaw('details::text ~* ?', [identifiers]).update({ details: '{}' });
    counts.import_rows = await trx('import_rows')
      .whereRaw('record::text ~* ?', [identifiers])
      .update({ record: '{}', reason: null, source_id: trx.raw(`'anonymised:' || line_number`) });
    const entries: string[] = await trx('change_log')
      .whereNull('redacted_at')
      .where((q) => q.whereRaw('before::text ~* ?', [identifiers]).orWhereRaw('after::text ~* ?', [identifiers]))
      .pluck('id');
    counts.change_log = await redactChangeLogEntries(trx, entries, redactedBy);
  }
  return counts;
}
