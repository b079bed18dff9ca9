import type { Knex } from 'knex';
import { countPersonsWithAnyValue } from '../activities/matching-store';
import { MATCH_KEY_COLUMNS } from '../core/matching/keys';
import type { TermFrequencies } from '../core/matching/term-frequency';
import type { DecidingPair, GoldenRecordSources } from '../core/rules/rule-impact';
import type { MatchField } from '../core/rules/types';

type Queryable = Knex | Knex.Transaction;

/** Read-only queries of the impact preview. On more rows than `limit`, a sample ordered by a hash
 * of the id: the same data gives the same sample, so two previews compare. */

export interface Sampled<T> {
  total: number;
  rows: T[];
}

/** Per source record of the site, the pair that decided it: its best-scoring match evaluation. */
export async function decidingPairsOfSite(
  db: Queryable,
  siteId: string,
  limit: number,
  frequencyFields: readonly MatchField[] = [],
): Promise<Sampled<DecidingPair>> {
  // per field, the persons other than the record itself sharing its value, as onboarding counted
  // them (activities/matching-store findTermFrequencies)
  const columns = frequencyFields.flatMap((field) => {
    const column = MATCH_KEY_COLUMNS[field];
    return column ? [{ field, column }] : [];
  });
  const sharing = columns.map(
    (_, index) =>
      `, (SELECT count(DISTINCT o.customer_id) FROM source_records o WHERE o.customer_id IS NOT NULL AND o.id <> s.id AND o.?? = s.??) AS tf_${index}`,
  );
  const { rows } = await db.raw(
    `WITH best AS (
       SELECT DISTINCT ON (e.source_record_id) e.source_record_id, e.matched_source_record_id
       FROM match_evaluations e JOIN source_records s ON s.id = e.source_record_id
       WHERE s.site_id = ? AND e.matched_source_record_id IS NOT NULL
       ORDER BY e.source_record_id, e.probability DESC
     )
     SELECT count(*) OVER () AS total, s.id, s.status, s.record, m.record AS matched_record,
            EXISTS (SELECT 1 FROM tasks t WHERE t.source_record_id = s.id AND t.type = 'duplicate_review' AND t.status = 'open') AS open_review
            ${sharing.join('')}
     FROM best b
     JOIN source_records s ON s.id = b.source_record_id
     JOIN source_records m ON m.id = b.matched_source_record_id
     WHERE s.record IS NOT NULL AND m.record IS NOT NULL
     ORDER BY md5(s.id::text)
     LIMIT ?`,
    [siteId, ...columns.flatMap(({ column }) => [column, column]), limit],
  );
  const withAnyValue = await Promise.all(columns.map(({ column }) => countPersonsWithAnyValue(db, column)));
  const frequenciesOf = (row: Record<string, any>): TermFrequencies =>
    Object.fromEntries(
      columns.flatMap(({ field }, index) =>
        row.record?.[field] !== undefined && row[`tf_${index}`] !== undefined
          ? [[field, { withValue: Number(row[`tf_${index}`]), withAnyValue: withAnyValue[index] }]]
          : [],
      ),
    );
  return {
    total: rows.length > 0 ? Number(rows[0].total) : 0,
    rows: rows.map((row: Record<string, any>) => ({
      sourceRecordId: row.id,
      status: row.status,
      record: row.record,
      matchedRecord: row.matched_record,
      openReview: row.open_review,
      ...(columns.length > 0 ? { frequencies: frequenciesOf(row) } : {}),
    })),
  };
}

/** Active golden records with a source record at the site (its survivorship derives them when
 * one of its records links), each with all its normalised source records. */
export async function goldenRecordsOfSite(db: Queryable, siteId: string, limit: number): Promise<Sampled<GoldenRecordSources>> {
  const { rows: customers } = await db.raw(
    `SELECT count(*) OVER () AS total, c.id
     FROM customers c
     WHERE c.status = 'active' AND EXISTS (SELECT 1 FROM source_records s WHERE s.customer_id = c.id AND s.site_id = ?)
     ORDER BY md5(c.id::text)
     LIMIT ?`,
    [siteId, limit],
  );
  const ids = customers.map((row: { id: string }) => row.id);
  const sources = ids.length === 0 ? [] : await db('source_records').whereIn('customer_id', ids).whereNotNull('record').orderBy('received_at');
  const byCustomer = new Map<string, GoldenRecordSources>(ids.map((id: string) => [id, { customerId: id, sources: [] }]));
  for (const source of sources) {
    byCustomer.get(source.customer_id)!.sources.push({
      sourceRecordId: source.id,
      siteId: source.site_id,
      sourceSystem: source.source_system,
      receivedAt: source.received_at,
      record: source.record,
    });
  }
  return { total: customers.length > 0 ? Number(customers[0].total) : 0, rows: [...byCustomer.values()] };
}
