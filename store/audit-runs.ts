import type { Knex } from 'knex';
import type { AuditCheck, AuditRules, AuditRunStatus, AuditRunSummary, CheckScore, CheckTrend } from '../core/audits/types';
import type { VersionedSiteRules } from '../core/rules/types';
import type { CheckContext } from './audit-check-sql';
import { AUDITED_ROWS } from './audit-rows';

type Queryable = Knex | Knex.Transaction;

/** A run as its activities read it: the checks and context fixed when it began. */
export interface AuditRunPlan {
  id: string;
  siteId: string;
  workflowId: string;
  status: AuditRunStatus;
  rulesVersion: string;
  checks: AuditCheck[];
  context: CheckContext;
  fixTasks: AuditRules['fixTasks'];
  failingRowsKept: number;
  previousRunId: string | null;
}

/** The run of a workflow, created once: by the service that starts it (to answer with its id) or
 * by the workflow's first activity (for scheduled runs). */
export async function ensureAuditRun(db: Queryable, run: { siteId: string; workflowId: string; startedBy: string | null }): Promise<string> {
  const inserted = await db('audit_runs')
    .insert({ site_id: run.siteId, workflow_id: run.workflowId, started_by: run.startedBy })
    .onConflict('workflow_id')
    .ignore()
    .returning('id');
  if (inserted.length > 0) return inserted[0].id;
  return (await db('audit_runs').where({ workflow_id: run.workflowId }).first('id')).id;
}

/** Fixes what the run checks, against which rows and which previous run, the first time it is
 * called; a retry finds the plan already made. */
export async function planAuditRun(db: Queryable, runId: string, versioned: VersionedSiteRules): Promise<AuditRunPlan> {
  const { rules, version } = versioned;
  await db.raw(
    `UPDATE audit_runs r SET
       rules_version = ?, checks = ?::jsonb, fix_tasks = ?::jsonb, failing_rows_kept = ?, checks_total = ?,
       rows_total = (SELECT count(*) FROM source_records s WHERE s.site_id = r.site_id AND ${AUDITED_ROWS}),
       previous_run_id = (SELECT p.id FROM audit_runs p WHERE p.site_id = r.site_id AND p.status = 'completed' AND p.started_at < r.started_at
                          ORDER BY p.started_at DESC LIMIT 1)
     WHERE r.id = ? AND r.checks IS NULL`,
    [
      version,
      JSON.stringify({ checks: rules.audits.checks, fields: rules.fields, defaultCountry: rules.normalisation.defaultCountry }),
      JSON.stringify(rules.audits.fixTasks),
      rules.audits.failingRowsKept,
      rules.audits.checks.length,
      runId,
    ],
  );
  return (await findAuditRunPlan(db, runId))!;
}

export async function findAuditRunPlan(db: Queryable, runId: string): Promise<AuditRunPlan | undefined> {
  const row = await db('audit_runs').where({ id: runId }).first();
  if (!row || !row.checks) return undefined;
  return {
    id: row.id,
    siteId: row.site_id,
    workflowId: row.workflow_id,
    status: row.status,
    rulesVersion: row.rules_version,
    checks: row.checks.checks,
    context: { asOf: row.started_at, fields: row.checks.fields, defaultCountry: row.checks.defaultCountry },
    fixTasks: row.fix_tasks,
    failingRowsKept: row.failing_rows_kept,
    previousRunId: row.previous_run_id,
  };
}

/** Progress while the run pages: rows scanned, recounted from the pages so a retried page counts once. */
export async function recountRowsScanned(db: Queryable, runId: string): Promise<number> {
  const [row] = await db('audit_runs')
    .where({ id: runId })
    .update({ rows_scanned: db('audit_pages').where({ run_id: runId }).sum('rows') })
    .returning('rows_scanned');
  return row.rows_scanned;
}

/** Stores the scorecard with its trend, once per check (a retry writes the same values). */
export async function saveScorecard(db: Queryable, runId: string, scores: readonly CheckScore[], trends: readonly CheckTrend[]): Promise<void> {
  if (scores.length > 0) {
    const trendById = new Map(trends.map((trend) => [trend.checkId, trend]));
    await db('audit_check_results')
      .insert(
        scores.map((score, position) => {
          const trend = trendById.get(score.checkId);
          return {
            run_id: runId,
            check_id: score.checkId,
            position,
            type: score.type,
            severity: score.severity,
            description: score.description,
            rows_checked: score.rowsChecked,
            rows_failed: score.rowsFailed,
            failed_percent: score.failedPercent,
            threshold: score.threshold,
            passed: score.passed,
            previous_failed_percent: trend?.previousFailedPercent ?? null,
            delta: trend?.delta ?? null,
            newly_failing: trend?.newlyFailing ?? 0,
          };
        }),
      )
      .onConflict(['run_id', 'check_id'])
      .merge();
  }
  await db('audit_runs').where({ id: runId }).update({ checks_done: scores.length });
}

export async function markAuditRunFinished(db: Queryable, runId: string, status: Extract<AuditRunStatus, 'completed' | 'failed'>): Promise<void> {
  await db('audit_runs').where({ id: runId, status: 'running' }).update({ status, finished_at: db.fn.now() });
}

/** A run with its progress, scorecard and trend: ids and figures only, no personal data. */
export async function getAuditRun(db: Queryable, runId: string): Promise<AuditRunSummary | undefined> {
  const row = await db('audit_runs').where({ id: runId }).first();
  if (!row) return undefined;
  const [summary] = await withScorecards(db, [row]);
  return summary;
}

/** A site's runs, newest first, each with its scorecard (for trend charts). */
export async function listAuditRuns(
  db: Queryable,
  siteId: string,
  page: { limit: number; offset: number },
): Promise<{ runs: AuditRunSummary[]; total: number }> {
  const [{ count }] = await db('audit_runs').where({ site_id: siteId }).count<{ count: string }[]>('* as count');
  const rows = await db('audit_runs').where({ site_id: siteId }).orderBy([{ column: 'started_at', order: 'desc' }, 'id']).limit(page.limit).offset(page.offset);
  return { runs: await withScorecards(db, rows), total: Number(count) };
}

/** The runs a report's trend chart shows: the run itself and the completed runs of its site that
 * started before it, newest first, at most `limit`, with their scorecards. */
export async function runsUpTo(db: Queryable, run: Pick<AuditRunSummary, 'id' | 'siteId' | 'startedAt'>, limit: number): Promise<AuditRunSummary[]> {
  const rows = await db('audit_runs')
    .where({ site_id: run.siteId })
    // the run by its id: started_at has microseconds, the Date it is compared with does not
    .where((query) => query.where({ status: 'completed' }).where('started_at', '<=', run.startedAt).orWhere({ id: run.id }))
    .orderBy([{ column: 'started_at', order: 'desc' }, 'id'])
    .limit(limit);
  return withScorecards(db, rows);
}

async function withScorecards(db: Queryable, rows: Record<string, any>[]): Promise<AuditRunSummary[]> {
  const results = await db('audit_check_results')
    .whereIn(
      'run_id',
      rows.map((row) => row.id),
    )
    .orderBy(['run_id', 'position']);
  return rows.map((row) => {
    const own = results.filter((result: Record<string, any>) => result.run_id === row.id);
    return {
      id: row.id,
      siteId: row.site_id,
      workflowId: row.workflow_id,
      status: row.status,
      progress: { checksDone: row.checks_done, checksTotal: row.checks_total, rowsScanned: row.rows_scanned, rowsTotal: row.rows_total },
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      rulesVersion: row.rules_version ?? '',
      scorecard: own.map(scoreFromRow),
      previousRunId: row.previous_run_id,
      trend: own.map((result: Record<string, any>) => ({
        checkId: result.check_id,
        previousFailedPercent: result.previous_failed_percent,
        delta: result.delta,
        newlyFailing: result.newly_failing,
      })),
    };
  });
}

export function scoreFromRow(row: Record<string, any>): CheckScore {
  return {
    checkId: row.check_id,
    type: row.type,
    severity: row.severity,
    description: row.description,
    rowsChecked: row.rows_checked,
    rowsFailed: row.rows_failed,
    failedPercent: row.failed_percent,
    threshold: row.threshold,
    passed: row.passed,
  };
}

/** One failing row of a check: ids and the reason, never the values. */
export interface FailingRow {
  sourceRecordId: string;
  customerId: string | null;
  sourceSystem: string | null;
  sourceId: string | null;
  reason: string;
}

/** A page of the failing rows kept for a check (at most rules audits.failingRowsKept), with the
 * exact number that failed. */
export async function failingRowsPage(
  db: Queryable,
  runId: string,
  checkId: string,
  page: { limit: number; offset: number },
): Promise<{ rows: FailingRow[]; kept: number; total: number }> {
  const [{ count }] = await db('audit_failing_rows').where({ run_id: runId, check_id: checkId }).count<{ count: string }[]>('* as count');
  const result = await db('audit_check_results').where({ run_id: runId, check_id: checkId }).first('rows_failed');
  const rows = await db('audit_failing_rows as f')
    .leftJoin('source_records as s', 's.id', 'f.source_record_id')
    .where({ 'f.run_id': runId, 'f.check_id': checkId })
    .orderBy('f.source_record_id')
    .limit(page.limit)
    .offset(page.offset)
    .select('f.source_record_id', 'f.customer_id', 'f.reason', 's.source_system', 's.source_id');
  return { rows: rows.map(failingRowFromRow), kept: Number(count), total: result?.rows_failed ?? 0 };
}

/** Every failing row of a check as the run found it, a stored page at a time, for the CSV. */
export async function* allFailingRows(db: Queryable, runId: string, checkId: string): AsyncGenerator<FailingRow> {
  let afterPage = -1;
  for (;;) {
    const page = await db('audit_check_pages').where({ run_id: runId, check_id: checkId }).andWhere('page_number', '>', afterPage).orderBy('page_number').first('page_number');
    if (!page) return;
    afterPage = page.page_number;
    const { rows } = await db.raw(
      `SELECT f.id AS source_record_id, f.reason, s.customer_id, s.source_system, s.source_id
       FROM audit_check_pages p
       CROSS JOIN LATERAL unnest(p.failed_ids, p.failed_reasons) WITH ORDINALITY AS f(id, reason, n)
       LEFT JOIN source_records s ON s.id = f.id
       WHERE p.run_id = ? AND p.check_id = ? AND p.page_number = ?
       ORDER BY f.n`,
      [runId, checkId, afterPage],
    );
    for (const row of rows) yield failingRowFromRow(row);
  }
}

function failingRowFromRow(row: Record<string, any>): FailingRow {
  return { sourceRecordId: row.source_record_id, customerId: row.customer_id, sourceSystem: row.source_system ?? null, sourceId: row.source_id ?? null, reason: row.reason };
}
