import type { Knex } from 'knex';
import type { AuditCheck } from '../core/audits/types';
import { CUSTOMER_FIELDS } from '../core/customer';
import { checkSql, type CheckContext, type CheckSql } from './audit-check-sql';
import { joinSql, rawSql, sql, type SqlFragment } from './sql-fragment';

/** The rows a site's audit reads: its current source records, as normalised. Rejected records
 * never entered the data, and a record still being received has no normalised form yet. */
export const AUDITED_ROWS = `s.status <> 'rejected' AND s.record IS NOT NULL`;

/** Which audited rows a statement reads: a page after an id (the audit engine), a fixed sample
 * ordered by a hash of the id (the impact preview: the same data gives the same sample), or the
 * rows of given ids (a sample chosen by an earlier statement). */
export type AuditedRowSelection = { afterId: string; pageSize: number } | { sampleSize: number } | { ids: readonly string[] };

/** The read-only part of every audit statement, as CTEs after a WITH: `page` (the rows, each field
 * read out of the record once), `open_reviews`, and `evaluated` (per row its id and, per check i
 * of `checks`, whether it applies, a{i}, and why it fails, r{i}, NULL when it passes). The engine
 * aggregates and stores it per page; the impact preview only counts it. */
export function evaluatedRowsSql(siteId: string, checks: readonly CheckSql[], selection: AuditedRowSelection): SqlFragment {
  const fields = rawSql(CUSTOMER_FIELDS.map((field) => `nullif(btrim(s.record->>'${field}'), '') AS "${field}"`).join(', '));
  const verdicts = joinSql(
    checks.map((check, index) => sql`${check.applies} AS ${rawSql(`a${index}`)}, ${check.reason} AS ${rawSql(`r${index}`)}`),
    ',\n',
  );
  const rows =
    'afterId' in selection
      ? sql`AND s.id > ${selection.afterId}::uuid ORDER BY s.id LIMIT ${selection.pageSize}::int`
      : 'ids' in selection
        ? sql`AND s.id = ANY(${[...selection.ids]}::uuid[])`
        : // the sample's ids are chosen first, so only they have their fields read out of the record
          sql`AND s.id IN (SELECT s.id FROM source_records s WHERE s.site_id = ${siteId} AND ${rawSql(AUDITED_ROWS)}
                           ORDER BY md5(s.id::text) LIMIT ${selection.sampleSize}::int)`;
  return sql`
    page AS MATERIALIZED (
      SELECT s.id, s.customer_id, s.status, s.updated_at, ${fields} FROM source_records s
      WHERE s.site_id = ${siteId} AND ${rawSql(AUDITED_ROWS)} ${rows}
    ),
    open_reviews AS (
      SELECT DISTINCT source_record_id FROM tasks
      WHERE site_id = ${siteId} AND type = 'duplicate_review' AND status = 'open' AND source_record_id IS NOT NULL
    ),
    evaluated AS MATERIALIZED (
      SELECT sr.id${checks.length > 0 ? rawSql(',') : rawSql('')} ${verdicts}
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
  db: Knex | Knex.Transaction,
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
    WITH ${evaluatedRowsSql(siteId, checks.map((check) => checkSql(check, context)), { ids: sourceRecordIds })}
    SELECT c.check_id, e.id AS source_record_id, c.reason
    FROM evaluated e CROSS JOIN LATERAL (VALUES ${perCheck}) AS c(check_id, applies, reason)
    WHERE c.applies AND c.reason IS NOT NULL
    ORDER BY c.check_id, e.id`;
  const { rows } = await db.raw(statement.text, statement.values as Knex.RawBinding[]);
  return rows.map((row: Record<string, any>) => ({ checkId: row.check_id, sourceRecordId: row.source_record_id, reason: row.reason }));
}
