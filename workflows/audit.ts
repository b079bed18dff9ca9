import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createAuditActivities } from '../activities/audits';
import type { createAuditReportActivities } from '../activities/audit-reports';
import { AUDIT_PAGES_PER_RUN, AUDIT_PAGE_SIZE, FIRST_PAGE_AFTER } from '../core/audits/paging';
import type { AuditInput } from '../core/audits/types';

type AuditActivities = ReturnType<typeof createAuditActivities>;
type AuditReportActivities = ReturnType<typeof createAuditReportActivities>;

const { auditPage } = proxyActivities<AuditActivities>({
  // one set-based statement over a page of rows; the heartbeat comes before and after it
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2, maximumAttempts: 10 },
});

const { beginAuditRun, scoreAuditRun, syncAuditFixTasks, finishAuditRun } = proxyActivities<AuditActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2, maximumAttempts: 10 },
});

const { sendAuditReport } = proxyActivities<AuditReportActivities>({
  // one mail per compliance officer; sent ones are not sent again on a retry
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2, maximumAttempts: 20 },
});

export interface AuditRunInput extends AuditInput {
  /** rows per page (tests use small pages) */
  pageSize?: number;
  /** where a continued run resumes */
  resume?: { runId: string; pageNumber: number; afterId: string };
}

/** A quality audit of one site, started as audit:<site>:<time> (core/workflow-ids) by
 * POST /api/sites/:site/audit-runs, or as audit:<site>:<schedule suffix>-<time> by a schedule
 * (Temporal appends the time). Returns the run id; the run itself (GET /api/audit-runs/:id)
 * holds the scorecard, the trend and the failing rows. */
export async function auditRun(input: AuditRunInput): Promise<string> {
  const pageSize = input.pageSize ?? AUDIT_PAGE_SIZE;
  const { runId } = input.resume ?? (await beginAuditRun({ siteId: input.siteId, workflowId: workflowInfo().workflowId }));
  let pageNumber = input.resume?.pageNumber ?? 0;
  let afterId = input.resume?.afterId ?? FIRST_PAGE_AFTER;
  let finished = false;
  try {
    for (let pages = 0; pages < AUDIT_PAGES_PER_RUN && !finished; pages++) {
      const page = await auditPage({ runId, pageNumber, afterId, pageSize });
      pageNumber += 1;
      finished = page.done || page.lastId === null;
      if (page.lastId !== null) afterId = page.lastId;
    }
    if (finished) {
      await scoreAuditRun({ runId });
      await syncAuditFixTasks({ runId });
      await finishAuditRun({ runId, status: 'completed' });
    }
  } catch (error) {
    await finishAuditRun({ runId, status: 'failed' });
    throw error;
  }
  // outside the try: continuing as new is thrown as an error by design
  if (!finished) return continueAsNew<typeof auditRun>({ ...input, resume: { runId, pageNumber, afterId } });

  // the report only once the run is stored: the mail links to its page
  await sendAuditReport({ runId });
  return runId;
}
