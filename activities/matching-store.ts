import type { Knex } from 'knex';
import type { Db } from '../runtime/db';
import type { CustomerRecord } from '../core/customer';
import type { BlockingKey, MatchField, MatchingRules } from '../core/rules/types';
import { MATCH_KEY_COLUMNS, matchKeys, type MatchKeyColumn, type MatchKeys } from '../core/matching/keys';
import type { CandidateRecord } from '../core/matching/score';
import type { TermFrequencies } from '../core/matching/term-frequency';

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

/** What a phonetic key compares ($ is the value): names by Soundex (fuzzystrmatch), a birth date
 * by its year, anything else as it is. Migration 019 indexes the family name + birth year form. */
function phoneticForm(column: MatchKeyColumn): string {
  if (column === 'given_name_key' || column === 'family_name_key' || column === 'name_key') return 'soundex($)';
  return column === 'birth_date' ? 'left($, 4)' : '$';
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
  if (key.method === 'phonetic') {
    columns.forEach((column, index) => {
      const expression = phoneticForm(column);
      query.whereRaw(`${expression.replace('$', '??')} = ${expression.replace('$', '?')}`, [column, values[index]]);
    });
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

/** How long the number of persons with any value in a column is reused: it moves slowly, and
 * counting it reads the whole table. */
const PERSONS_COUNT_TTL_MS = 10_000;
const personsWithAnyValue = new WeakMap<Db, Map<MatchKeyColumn, { count: number; countedAt: number }>>();

/** For each comparison with termFrequency, how many stored persons share the incoming value and
 * how many have any value in that field (see core/matching/term-frequency). Given the candidates,
 * only values one of them shares are counted. Pass the pool, not a transaction: the totals are
 * cached per pool. */
export async function findTermFrequencies(
  db: Db,
  keys: MatchKeys,
  matching: MatchingRules,
  candidates?: readonly CandidateRecord[],
): Promise<TermFrequencies> {
  const frequencies: TermFrequencies = {};
  // only an exact agreement is weighed by frequency: a value no candidate shares needs no count
  const candidateKeys = candidates?.map((candidate) => matchKeys(candidate.record));
  const adjusted = matching.comparisons.flatMap(({ field, termFrequency }) => {
    const column = MATCH_KEY_COLUMNS[field];
    const shared = column && keys[column] !== null && (candidateKeys?.some((other) => other[column] === keys[column]) ?? true);
    return termFrequency && column && shared ? [{ field, column }] : [];
  });
  if (adjusted.length === 0) return frequencies;
  const withValue = await db.raw<{ rows: { field: MatchField; persons: string }[] }>(
    adjusted.map(() => '(SELECT ?::text AS field, count(DISTINCT customer_id) AS persons FROM source_records WHERE customer_id IS NOT NULL AND ?? = ?)').join(' UNION ALL '),
    adjusted.flatMap(({ field, column }) => [field, column, keys[column]]),
  );
  const persons = new Map(withValue.rows.map((row) => [row.field, Number(row.persons)]));
  for (const { field, column } of adjusted) {
    frequencies[field] = { withValue: persons.get(field) ?? 0, withAnyValue: await countPersonsWithAnyValue(db, column) };
  }
  return frequencies;
}

/** Persons (golden records) with any value in a match-key column, cached per pool for a few seconds. */
export async function countPersonsWithAnyValue(db: Db, column: MatchKeyColumn): Promise<number> {
  const counts = personsWithAnyValue.get(db) ?? new Map();
  personsWithAnyValue.set(db, counts);
  const cached = counts.get(column);
  if (cached && Date.now() - cached.countedAt < PERSONS_COUNT_TTL_MS) return cached.count;
  const [row] = (await db('source_records').whereNotNull('customer_id').whereNotNull(column).countDistinct({ persons: 'customer_id' })) as { persons: string }[];
  const count = Number(row?.persons ?? 0);
  counts.set(column, { count, countedAt: Date.now() });
  return count;
}
