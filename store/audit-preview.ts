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
  /** the ids of the rows examined, for further statements over the same rows */
  ids: string[];
}

/** Runs work in a READ ONLY transaction, so PostgreSQL itself refuses any write, on one snapshot
 * (REPEATABLE READ: its statements read the same rows, hence the same sample), each statement
 * cut off after timeoutMs so a preview stays within its time budget (error code 57014). */
export async function inReadOnlySnapshot<T>(db: Knex, timeoutMs: number, work: (snapshot: Knex.Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (trx) => {
    await trx.raw('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    await limitStatements(trx, timeoutMs);
    return work(trx);
  });
}

/** The time each statement of the transaction may take from now on. */
export async function limitStatements(trx: Knex.Transaction, timeoutMs: number): Promise<void> {
  await trx.raw(`SET LOCAL statement_timeout = ${Math.max(1, Math.ceil(timeoutMs))}`);
}

/** Counts, in one statement over the same rows, how many rows each check applies to and fails: the
 * audit engine's own SQL (evaluatedRowsSql), over at most sampleSize rows in a fixed order. */
export async function countChecks(snapshot: Knex.Transaction, siteId: string, checks: readonly CheckSql[], sampleSize: number): Promise<CheckCountsSample> {
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
           count(*)::int AS examined, coalesce(array_agg(id ORDER BY id), '{}') AS ids${checks.length > 0 ? rawSql(',') : rawSql('')} ${counts}
    FROM evaluated`;
  const { rows } = await snapshot.raw(statement.text, statement.values as Knex.RawBinding[]);
  const row = rows[0];
  return {
    total: row.total,
    examined: row.examined,
    counts: checks.map((_check, index) => ({ rowsChecked: row[`checked${index}`], rowsFailed: row[`failed${index}`] })),
    ids: row.ids,
  };
}

/** PostgreSQL's code for a statement cancelled by statement_timeout. */
export function isStatementTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '57014';
}

/** One side of a comparison among the checks given: which of them are its checks, which of those
 * call for fix tasks (failed at or above audits.fixTasks.minSeverity), and its cap per run. */
export interface FixTaskSide {
  checks: ReadonlyArray<{ index: number; checkId: string }>;
  fixTaskCheckIndexes: readonly number[];
  maxPerRun: number;
}

/** What an audit run would do to the site's data-fix tasks under one side, counted over the rows
 * examined: tasks it would open (subjects with a failing row of a fix-task check and no open task,
 * at most maxPerRun) and open tasks it would resolve (none of their problems fails any more; only
 * tasks whose problem rows were all examined are judged). */
export interface FixTaskCounts {
  wouldOpen: number;
  wouldResolve: number;
}

/** The fix-task counts of each side, in one statement over the rows countChecks examined (its
 * ids, in the same snapshot), following store/audit-fix-tasks: a task's subject is its
 * customer (a record waiting for review is its own), a problem is (check, source record). */
export async function countFixTasks(
  snapshot: Knex.Transaction,
  siteId: string,
  checks: readonly CheckSql[],
  sides: readonly FixTaskSide[],
  examinedIds: readonly string[],
): Promise<FixTaskCounts[]> {
  const fails = (index: number) => sql`(${rawSql(`e.a${index}`)} AND ${rawSql(`e.r${index}`)} IS NOT NULL)`;
  const perSide = joinSql(
    sides.map((side, n) => {
      const failing = side.checks.length === 0 ? rawSql(`'{}'::text[]`) : sql`array_remove(ARRAY[${joinSql(side.checks.map(({ index, checkId }) => sql`CASE WHEN ${fails(index)} THEN ${checkId}::text END`), ', ')}], NULL)`;
      const eligible = side.fixTaskCheckIndexes.length === 0 ? rawSql('false') : joinSql(side.fixTaskCheckIndexes.map(fails), ' OR ');
      return sql`${failing} AS ${rawSql(`failing${n}`)}, ${eligible} AS ${rawSql(`eligible${n}`)}`;
    }),
    ',\n',
  );
  // as syncFixTasks does, in its order: tasks none of whose problems fail resolve first, then a
  // subject without an open task (a resolved one no longer counts) gets one, at most maxPerRun
  const resolved = joinSql(
    sides.map(
      (_side, n) => sql`,
    ${rawSql(`resolved${n}`)} AS (
      SELECT p.task_id FROM task_problems p LEFT JOIN examined r ON r.id = p.source_record_id GROUP BY p.task_id
      HAVING bool_and(r.id IS NOT NULL) AND NOT bool_or(p.check_id = ANY(r.${rawSql(`failing${n}`)}))
    )`,
    ),
    '',
  );
  const counts = joinSql(
    sides.map(
      (side, n) => sql`
      least(${side.maxPerRun}::int, (SELECT count(DISTINCT r.subject) FROM examined r WHERE r.${rawSql(`eligible${n}`)}
        AND NOT EXISTS (SELECT 1 FROM open_tasks o WHERE o.subject = r.subject AND o.id NOT IN (SELECT task_id FROM ${rawSql(`resolved${n}`)}))))::int AS ${rawSql(`open${n}`)},
      (SELECT count(*) FROM ${rawSql(`resolved${n}`)})::int AS ${rawSql(`resolve${n}`)}`,
    ),
    ',\n',
  );
  const statement = sql`
    WITH ${evaluatedRowsSql(siteId, checks, { ids: examinedIds })},
    examined AS (
      SELECT e.id, coalesce(p.customer_id::text, p.id::text) AS subject, ${perSide}
      FROM evaluated e JOIN page p ON p.id = e.id
    ),
    -- the open tasks audits opened and their problems, read as syncFixTasks reads them (its
    -- statements bind by name, these by position, so the text cannot be shared as is)
    open_tasks AS (
      SELECT t.id, t.details->>'subject' AS subject, t.details->'problems' AS problems FROM tasks t
      WHERE t.site_id = ${siteId} AND t.type = 'data_fix' AND t.status = 'open' AND t.details->>'origin' = 'audit'
    ),
    task_problems AS (
      SELECT o.id AS task_id, pr->>'checkId' AS check_id, (pr->>'sourceRecordId')::uuid AS source_record_id
      FROM open_tasks o CROSS JOIN LATERAL jsonb_array_elements(o.problems) AS pr
    )${resolved}
    SELECT ${counts}`;
  const { rows } = await snapshot.raw(statement.text, statement.values as Knex.RawBinding[]);
  return sides.map((_side, n) => ({ wouldOpen: rows[0][`open${n}`], wouldResolve: rows[0][`resolve${n}`] }));
}

