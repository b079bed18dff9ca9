import type { Knex } from 'knex';
import { checkSql } from './audit-check-sql';
import type { AuditRunPlan } from './audit-runs';
import { evaluatedRowsSql } from './audit-rows';
import { joinSql, rawSql, sql, type SqlFragment } from './sql-fragment';

type Queryable = Knex | Knex.Transaction;

export interface PageResult {
  rows: number;
  /** the last id of the page: where the next page starts; null when the page was empty */
  lastId: string | null;
}

/** Runs every check of the run over one page of the site's rows, in one statement inside
 * PostgreSQL: per check, the counts and every failing id with its reason (keyed by page, so a
 * retried page replaces itself), and the first failing rows up to the rules' cap. */
export async function auditPage(db: Knex, run: AuditRunPlan, page: PageInput): Promise<PageResult> {
  if (run.checks.length === 0) return { rows: 0, lastId: null };
  const statement = auditPageStatement(run, page);
  return db.transaction(async (trx) => {
    // a page's values are held in memory rather than spilled to temporary files
    await trx.raw(`SET LOCAL work_mem = '64MB'`);
    const { rows } = await trx.raw(statement.text, statement.values as Knex.RawBinding[]);
    return { rows: rows[0].rows, lastId: rows[0].last_id };
  });
}

export interface PageInput {
  pageNumber: number;
  afterId: string;
  pageSize: number;
}

/** The statement of one page (apart, so it can be explained). The fields are read out of the
 * record once per row (page), every check is evaluated once per row (evaluated), and one
 * aggregate pass gives every check's counts and failing ids (totals), turned into one row per
 * check only then: nothing is sorted, nothing multiplied by the number of checks. */
export function auditPageStatement(run: AuditRunPlan, page: PageInput): SqlFragment {
  const checks = run.checks.map((check) => checkSql(check, run.context));
  const aggregates = joinSql(
    run.checks.map((_check, index) => {
      const [a, r] = [rawSql(`a${index}`), rawSql(`r${index}`)];
      return sql`count(*) FILTER (WHERE ${a}) AS checked${rawIndex(index)},
        coalesce(array_agg(id) FILTER (WHERE ${a} AND ${r} IS NOT NULL), '{}') AS ids${rawIndex(index)},
        coalesce(array_agg(${r}) FILTER (WHERE ${a} AND ${r} IS NOT NULL), '{}') AS reasons${rawIndex(index)}`;
    }),
    ',\n',
  );
  const perCheck = joinSql(
    run.checks.map((check, index) => sql`(${check.id}::text, t.checked${rawIndex(index)}, t.ids${rawIndex(index)}, t.reasons${rawIndex(index)})`),
    ', ',
  );
  return sql`
    WITH ${evaluatedRowsSql(run.siteId, checks, { afterId: page.afterId, pageSize: page.pageSize })},
    totals AS (SELECT ${aggregates} FROM evaluated),
    per_check AS (
      SELECT c.check_id, c.checked, c.ids, c.reasons
      FROM totals t CROSS JOIN LATERAL (VALUES ${perCheck}) AS c(check_id, checked, ids, reasons)
    ),
    scored AS (
      INSERT INTO audit_check_pages (run_id, check_id, page_number, rows_checked, rows_failed, failed_ids, failed_reasons)
      SELECT ${run.id}::uuid, check_id, ${page.pageNumber}::int, checked, cardinality(ids), ids, reasons FROM per_check
      WHERE (SELECT count(*) FROM page) > 0
      ON CONFLICT (run_id, check_id, page_number) DO UPDATE SET rows_checked = excluded.rows_checked,
        rows_failed = excluded.rows_failed, failed_ids = excluded.failed_ids, failed_reasons = excluded.failed_reasons
      RETURNING 1
    ),
    already_kept AS (
      SELECT check_id, count(*) AS kept FROM audit_failing_rows WHERE run_id = ${run.id}::uuid GROUP BY check_id
    ),
    kept AS (
      INSERT INTO audit_failing_rows (run_id, check_id, source_record_id, customer_id, reason)
      SELECT ${run.id}::uuid, c.check_id, f.id, p.customer_id, f.reason
      FROM per_check c
      LEFT JOIN already_kept k ON k.check_id = c.check_id
      CROSS JOIN LATERAL unnest(c.ids[1:greatest(0, ${run.failingRowsKept}::int - coalesce(k.kept, 0))],
                                c.reasons[1:greatest(0, ${run.failingRowsKept}::int - coalesce(k.kept, 0))]) AS f(id, reason)
      JOIN page p ON p.id = f.id
      ON CONFLICT DO NOTHING
      RETURNING 1
    ),
    paged AS (
      INSERT INTO audit_pages (run_id, page_number, rows, last_id)
      SELECT ${run.id}::uuid, ${page.pageNumber}::int, count(*), (SELECT id FROM page ORDER BY id DESC LIMIT 1) FROM page
      ON CONFLICT (run_id, page_number) DO UPDATE SET rows = excluded.rows, last_id = excluded.last_id
      RETURNING rows, last_id
    )
    SELECT rows, last_id, (SELECT count(*) FROM scored) AS scored, (SELECT count(*) FROM kept) AS kept FROM paged`;
}

/** Rows checked and failed per check over every page of a run. */
export async function checkTotals(db: Queryable, runId: string): Promise<Map<string, { rowsChecked: number; rowsFailed: number }>> {
  const rows = await db('audit_check_pages')
    .where({ run_id: runId })
    .groupBy('check_id')
    .select('check_id', db.raw('sum(rows_checked)::int AS rows_checked'), db.raw('sum(rows_failed)::int AS rows_failed'));
  return new Map(rows.map((row: Record<string, any>) => [row.check_id, { rowsChecked: row.rows_checked, rowsFailed: row.rows_failed }]));
}

/** Per check, the rows failing in this run that did not fail it in the previous run. */
export async function newlyFailingCounts(db: Queryable, runId: string, previousRunId: string): Promise<Map<string, number>> {
  const { rows } = await db.raw(
    `SELECT check_id, count(*)::int AS newly_failing FROM (
       SELECT p.check_id, unnest(p.failed_ids) AS id FROM audit_check_pages p WHERE p.run_id = ?
       EXCEPT
       SELECT p.check_id, unnest(p.failed_ids) AS id FROM audit_check_pages p WHERE p.run_id = ?
     ) fresh GROUP BY check_id`,
    [runId, previousRunId],
  );
  return new Map(rows.map((row: Record<string, any>) => [row.check_id, row.newly_failing]));
}

/** Column aliases are built from the check's position, never from rule-file text. */
function rawIndex(index: number) {
  return rawSql(String(index));
}
