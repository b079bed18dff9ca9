import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { workflowIds } from '../core/workflow-ids';
import type { Db } from '../runtime/db';
import { ensureAuditRun, markAuditRunFinished } from '../store/audit-runs';

export interface StartedAuditRun {
  runId: string;
  workflowId: string;
}

/** Starts an audit of a site now. The run is stored first, so the caller gets an id to follow at
 * once (GET /api/audit-runs/:id); the workflow finds that run by its workflow id. */
export async function startAuditRun(
  deps: { db: Db; client: Client; taskQueue: string; now?: () => Date },
  siteId: string,
  actor: string,
): Promise<StartedAuditRun> {
  const workflowId = workflowIds.audit(siteId, (deps.now ?? (() => new Date()))());
  const runId = await ensureAuditRun(deps.db, { siteId, workflowId, startedBy: actor });
  try {
    await deps.client.workflow.start('auditRun', { taskQueue: deps.taskQueue, workflowId, args: [{ siteId }] });
  } catch (error) {
    // the same millisecond twice: one run, started by the first request, which this one follows
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { runId, workflowId };
    await markAuditRunFinished(deps.db, runId, 'failed');
    throw error;
  }
  return { runId, workflowId };
}
