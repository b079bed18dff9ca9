import type { Knex } from 'knex';

type Queryable = Knex | Knex.Transaction;

/** Remembers that a source record is not the same person as each of the others, both ways round. */
export async function rememberDistinctPairs(
  db: Queryable,
  sourceRecordId: string,
  otherSourceRecordIds: string[],
  decision: { decidedBy: string; taskId?: string },
): Promise<void> {
  const rows = otherSourceRecordIds
    .filter((other) => other !== sourceRecordId)
    .flatMap((other) => [
      { source_record_id: sourceRecordId, other_source_record_id: other },
      { source_record_id: other, other_source_record_id: sourceRecordId },
    ])
    .map((pair) => ({ ...pair, decided_by: decision.decidedBy, task_id: decision.taskId ?? null }));
  if (rows.length === 0) return;
  await db('distinct_pairs').insert(rows).onConflict(['source_record_id', 'other_source_record_id']).ignore();
}

/** The golden records a steward has declared a different person from this source record. */
export async function customersKeptDistinctFrom(db: Queryable, sourceRecordId: string): Promise<Set<string>> {
  const rows = await db('distinct_pairs as d')
    .join('source_records as s', 's.id', 'd.other_source_record_id')
    .where('d.source_record_id', sourceRecordId)
    .whereNotNull('s.customer_id')
    .distinct('s.customer_id');
  return new Set(rows.map((row: { customer_id: string }) => row.customer_id));
}
