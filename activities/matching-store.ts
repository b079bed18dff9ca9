import type { Knex } from 'knex';
import type { Db } from '../runtime/db';
import type { CustomerRecord } from '../core/customer';
import type { BlockingKey, MatchingRules } from '../core/rules/types';
import { MATCH_KEY_COLUMNS, type MatchKeys } from '../core/matching/keys';
import type { CandidateRecord } from '../core/matching/score';

/** Linked source records that share at least one blocking key with the incoming record's keys,
 * in one query. Records hit by more keys (and by closer names) come first, so the limit keeps
 * the likeliest candidates. */
export async function findCandidateRecords(
  db: Db,
  keys: MatchKeys,
  matching: MatchingRules,
  options: { excludeSourceRecordId?: string; limit: number },
): Promise<CandidateRecord[]> {
  const blocks = matching.blocking.flatMap((key) => blockQuery(db, key, keys) ?? []);
  if (blocks.length === 0) return [];
  const hits = db.raw(blocks.map(() => '(?)').join(' UNION ALL '), blocks);
  const exclusion = options.excludeSourceRecordId ?? null;
  const { rows } = await db.raw<{ rows: { id: string; customer_id: string; record: CustomerRecord }[] }>(
    `WITH hits AS (?),
     ranked AS (
       SELECT id, sum(strength) AS strength FROM hits WHERE ?::uuid IS NULL OR id <> ?::uuid
       GROUP BY id ORDER BY strength DESC, id LIMIT ?)
     SELECT s.id, s.customer_id, s.record FROM ranked r JOIN source_records s ON s.id = r.id
     ORDER BY r.strength DESC, s.id`,
    [hits, exclusion, exclusion, options.limit],
  );
  return rows.map((row) => ({ sourceRecordId: row.id, customerId: row.customer_id, record: row.record }));
}

/** The linked records one blocking key finds, each with a strength: 1 for an exact key, the
 * name similarity for a trigram key. Undefined when the incoming record lacks a field the key needs. */
function blockQuery(db: Db, key: BlockingKey, keys: MatchKeys): Knex.QueryBuilder | undefined {
  const columns = key.fields.map((field) => {
    const column = MATCH_KEY_COLUMNS[field];
    if (!column) throw new Error(`matching.blocking "${key.name}": field "${field}" has no match-key column to block on`);
    return column;
  });
  const values = columns.map((column) => keys[column]);
  if (values.some((value) => value === null)) return undefined;
  const query = db('source_records').whereNotNull('customer_id');
  if (key.method === 'exact') {
    columns.forEach((column, index) => query.where(column, values[index]));
    return query.select('id', db.raw('1.0 AS strength'));
  }
  // `%` uses the trigram index at pg_trgm.similarity_threshold (0.3 by default); minSimilarity narrows further
  columns.forEach((column, index) => {
    query.whereRaw('?? % ?', [column, values[index]]);
    if (key.minSimilarity !== undefined) query.whereRaw('similarity(??, ?) >= ?', [column, values[index], key.minSimilarity]);
  });
  const similarities = columns.map(() => 'similarity(??, ?)').join(' + ');
  const bindings = columns.flatMap((column, index) => [column, values[index]]);
  return query.select('id', db.raw(`(${similarities}) / ${columns.length} AS strength`, bindings));
}
