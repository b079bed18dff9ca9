import { ApplicationFailure, Context } from '@temporalio/activity';
import { FIRST_PAGE_AFTER } from '../core/audits/paging';
import { checksNeedingFixTasks, scoreCheck, trendOf } from '../core/audits/scorecard';
import type { SiteRulesSource } from '../core/rules/types';
import type { Db } from '../runtime/db';
import { syncFixTasks, type FixTaskChanges } from '../store/audit-fix-tasks';
import { auditPage, checkTotals, newlyFailingCounts } from '../store/audit-pages';
import { ensureAuditRun, findAuditRunPlan, markAuditRunFinished, getAuditRun, planAuditRun, recountRowsScanned, saveScorecard, type AuditRunPlan } from '../store/audit-runs';

export interface AuditDeps {
  db: Db;
  rules: SiteRulesSource;
  /** reports liveness with progress details; the Temporal heartbeat unless a caller runs the
   * activities outside a worker (the benchmark) */
  heartbeat?: (details: unknown) => void;
}

export interface BeginAuditInput {
  siteId: string;
  workflowId: string;
}

export interface AuditPageInput {
  runId: string;
  pageNumber: number;
  /** the last id of the previous page (FIRST_PAGE_AFTER for the first) */
  afterId: string;
  pageSize: number;
}

export interface AuditPageOutput {
  rows: number;
  lastId: string | null;
  /** no rows are left after this page */
  done: boolean;
}

/** Audit activities: the checks run as SQL inside PostgreSQL, a page of ids per activity. Each is
 * idempotent: the run is keyed by its workflow id, pages and results by their keys. */
export function createAuditActivities(deps: AuditDeps) {
  const { db } = deps;
  const heartbeat = deps.heartbeat ?? ((details: unknown) => Context.current().heartbeat(details));

  const plannedRun = async (runId: string): Promise<AuditRunPlan> => {
    const run = await findAuditRunPlan(db, runId);
    if (!run) throw ApplicationFailure.nonRetryable(`no planned audit run ${runId}`, 'UnknownAuditRun');
    return run;
  };

  return {
    /** Creates (or finds) the run and fixes its checks under the site's rules in force. */
    async beginAuditRun({ siteId, workflowId }: BeginAuditInput): Promise<{ runId: string; checks: number; rowsTotal: number }> {
      const runId = await ensureAuditRun(db, { siteId, workflowId, startedBy: null });
      const versioned = deps.rules.forSite(siteId);
      if (!versioned) {
        // a schedule outliving its site's rule file: the run is recorded as failed, not left running
        await markAuditRunFinished(db, runId, 'failed');
        throw ApplicationFailure.nonRetryable(`no rules for site ${siteId}`, 'UnknownSite');
      }
      const run = await planAuditRun(db, runId, versioned);
      const summary = await getAuditRun(db, runId);
      return { runId, checks: run.checks.length, rowsTotal: summary!.progress.rowsTotal };
    },

    async auditPage({ runId, pageNumber, afterId, pageSize }: AuditPageInput): Promise<AuditPageOutput> {
      const run = await plannedRun(runId);
      heartbeat({ pageNumber });
      const page = await auditPage(db, run, { pageNumber, afterId, pageSize });
      const rowsScanned = await recountRowsScanned(db, runId);
      heartbeat({ pageNumber, rowsScanned });
      return { rows: page.rows, lastId: page.lastId, done: page.rows < pageSize };
    },

    /** Sums the pages into the scorecard and compares it with the previous completed run. */
    async scoreAuditRun({ runId }: { runId: string }): Promise<{ checks: number; failed: number }> {
      const run = await plannedRun(runId);
      const totals = await checkTotals(db, runId);
      const scores = run.checks.map((check) => {
        const total = totals.get(check.id) ?? { rowsChecked: 0, rowsFailed: 0 };
        return scoreCheck(check, total.rowsChecked, total.rowsFailed);
      });
      const previous = run.previousRunId ? await getAuditRun(db, run.previousRunId) : undefined;
      const newlyFailing = run.previousRunId ? await newlyFailingCounts(db, runId, run.previousRunId) : new Map<string, number>();
      const trends = scores.map((score) =>
        trendOf(
          score,
          previous?.scorecard.find((old) => old.checkId === score.checkId),
          newlyFailing.get(score.checkId),
        ),
      );
      await saveScorecard(db, runId, scores, trends);
      return { checks: scores.length, failed: scores.filter((score) => !score.passed).length };
    },

    /** Opens, updates and resolves data-fix tasks from the run's findings. */
    async syncAuditFixTasks({ runId }: { runId: string }): Promise<FixTaskChanges> {
      const run = await plannedRun(runId);
      const summary = await getAuditRun(db, runId);
      return syncFixTasks(db, run, checksNeedingFixTasks(summary!.scorecard, run.fixTasks.minSeverity));
    },

    async finishAuditRun({ runId, status }: { runId: string; status: 'completed' | 'failed' }): Promise<void> {
      await markAuditRunFinished(db, runId, status);
    },
  };
}

/** A whole audit in this process, in the workflow's order (begin, every page, score, fix tasks,
 * finish): for callers without a worker, the benchmark and tests of the activities. */
export async function auditInProcess(
  activities: ReturnType<typeof createAuditActivities>,
  input: BeginAuditInput & { pageSize: number },
  onPage: (rowsAudited: number) => void = () => undefined,
): Promise<{ runId: string; pages: number; fixTasks: FixTaskChanges }> {
  const { runId } = await activities.beginAuditRun(input);
  let afterId = FIRST_PAGE_AFTER;
  let [pages, rowsAudited] = [0, 0];
  for (;;) {
    const page = await activities.auditPage({ runId, pageNumber: pages, afterId, pageSize: input.pageSize });
    pages += 1;
    rowsAudited += page.rows;
    onPage(rowsAudited);
    if (page.done || page.lastId === null) break;
    afterId = page.lastId;
  }
  await activities.scoreAuditRun({ runId });
  const fixTasks = await activities.syncAuditFixTasks({ runId });
  await activities.finishAuditRun({ runId, status: 'completed' });
  return { runId, pages, fixTasks };
}
