import type { Knex } from 'knex';
import type { AuditCheck } from '../core/audits/types';
import { CUSTOMER_FIELDS } from '../core/customer';
import { checkSql, type CheckContext } from './audit-check-sql';
import { joinSql, rawSql, sql, type SqlFragment } from './sql-fragment';

type Queryable = Knex | Knex.Transaction;

/** The rows a site's audit reads: its current source records, as normalised. Rejected records
 * never entered the data, and a record still being received has no normalised form yet. */
export const AUDITED_ROWS = rawSql(`s.status <> 'rejected' AND s.record IS NOT NULL`);

/** What the checks read of a source record `s`: its ids, status and updated_at, and every field of
 * the normalised record once, as a column of that name (see audit-check-sql). */
export const AUDITED_COLUMNS = rawSql(
  `s.id, s.customer_id, s.status, s.updated_at, ${CUSTOMER_FIELDS.map((field) => `nullif(btrim(s.record->>'${field}'), '') AS "${field}"`).join(', ')}`,
);

/** The CTEs open_reviews and evaluated over a CTE `page` of audited rows: every check evaluated
 * once per row, check i giving a<i> (the row counts for it) and r<i> (why it fails, NULL when it
 * passes). The audit's pages and the re-check of a revised record share them, so both judge a
 * row alike. */
export function evaluatedRows(siteId: string, checks: readonly AuditCheck[], context: CheckContext): SqlFragment {
  const verdicts = joinSql(
    checks.map((check, index) => {
      const { applies, reason } = checkSql(check, context);
      return sql`${applies} AS ${rawSql(`a${index}`)}, ${reason} AS ${rawSql(`r${index}`)}`;
    }),
    ',\n',
  );
  return sql`
    open_reviews AS (
      SELECT DISTINCT source_record_id FROM tasks
      WHERE site_id = ${siteId} AND type = 'duplicate_review' AND status = 'open' AND source_record_id IS NOT NULL
    ),
    evaluated AS MATERIALIZED (
      SELECT sr.id, ${verdicts}
      FROM (SELECT page.*, o.source_record_id IS NOT NULL AS open_duplicate_review
            FROM page LEFT JOIN open_reviews o ON o.source_record_id = page.id) sr
    )`;
}

/** A check failing on a source record, with its reason (names and rules, never values). */
export interface FailingCheck {
  checkId: string;
  sourceRecordId: string;
  reason: string;
}

/** The checks that fail on the given source records of a site now, judged as an audit page judges
 * them (a record no longer audited, e.g. rejected, fails nothing). */
export async function failingChecksOf(
  db: Queryable,
  siteId: string,
  checks: readonly AuditCheck[],
  context: CheckContext,
  sourceRecordIds: readonly string[],
): Promise<FailingCheck[]> {
  if (checks.length === 0 || sourceRecordIds.length === 0) return [];
  const perCheck = joinSql(
    checks.map((check, index) => sql`(${check.id}::text, e.${rawSql(`a${index}`)}, e.${rawSql(`r${index}`)})`),
    ', ',
  );
  const statement = sql`
    WITH page AS MATERIALIZED (
      SELECT ${AUDITED_COLUMNS} FROM source_records s
      WHERE s.site_id = ${siteId} AND ${AUDITED_ROWS} AND s.id = ANY(${[...sourceRecordIds]}::uuid[])
    ),
    ${evaluatedRows(siteId, checks, context)}
    SELECT c.check_id, e.id AS source_record_id, c.reason
    FROM evaluated e CROSS JOIN LATERAL (VALUES ${perCheck}) AS c(check_id, applies, reason)
    WHERE c.applies AND c.reason IS NOT NULL
    ORDER BY c.check_id, e.id`;
  const { rows } = await db.raw(statement.text, statement.values as Knex.RawBinding[]);
  return rows.map((row: Record<string, any>) => ({ checkId: row.check_id, sourceRecordId: row.source_record_id, reason: row.reason }));
}
