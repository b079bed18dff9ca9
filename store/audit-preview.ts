import type { Knex } from 'knex';
import type { CheckCounts } from '../core/audits/audit-impact';
import type { CheckSql } from './audit-check-sql';
import { AUDITED_ROWS, evaluatedRowsSql } from './audit-rows';
import { joinSql, rawSql, sql } from './sql-fragment';

/** A site's audited rows counted against checks, without a run: nothing is stored. */
export interface CheckCountsSample {
  /** the site's audited rows */
  total: number;
  /** the rows the counts are over: every row, or a sample of sampleSize of them */
  examined: number;
  /** per check, in the order given */
  counts: CheckCounts[];
}

/** Counts, in one statement over the same rows, how many rows each check applies to and fails: the
 * audit engine's own SQL (evaluatedRowsSql), over at most sampleSize rows in a fixed order. It runs
 * in a READ ONLY transaction, so PostgreSQL itself guarantees nothing is written, with a statement
 * timeout so a preview stays within its time budget (a timeout rejects with code 57014). */
export async function countChecksReadOnly(db: Knex, siteId: string, checks: readonly CheckSql[], sampleSize: number, timeoutMs: number): Promise<CheckCountsSample> {
  const counts = joinSql(
    checks.map((_check, index) => {
      const [a, r] = [rawSql(`a${index}`), rawSql(`r${index}`)];
      return sql`count(*) FILTER (WHERE ${a})::int AS ${rawSql(`checked${index}`)}, count(*) FILTER (WHERE ${a} AND ${r} IS NOT NULL)::int AS ${rawSql(`failed${index}`)}`;
    }),
    ',\n',
  );
  const statement = sql`
    WITH ${evaluatedRowsSql(siteId, checks, { sampleSize })}
    SELECT (SELECT count(*) FROM source_records s WHERE s.site_id = ${siteId} AND ${rawSql(AUDITED_ROWS)})::int AS total,
           count(*)::int AS examined${checks.length > 0 ? rawSql(',') : rawSql('')} ${counts}
    FROM evaluated`;
  return db.transaction(async (trx) => {
    await trx.raw('SET TRANSACTION READ ONLY');
    await trx.raw(`SET LOCAL statement_timeout = ${Math.max(1, Math.ceil(timeoutMs))}`);
    const { rows } = await trx.raw(statement.text, statement.values as Knex.RawBinding[]);
    const row = rows[0];
    return {
      total: row.total,
      examined: row.examined,
      counts: checks.map((_check, index) => ({ rowsChecked: row[`checked${index}`], rowsFailed: row[`failed${index}`] })),
    };
  });
}

/** PostgreSQL's code for a statement cancelled by statement_timeout. */
export function isStatementTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '57014';
}
