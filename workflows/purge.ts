import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { RETENTION_CATEGORIES, type PurgeCounts } from '../core/retention/types';
import type { createPurgeActivities } from '../activities/purge';

const { purgePage } = proxyActivities<ReturnType<typeof createPurgeActivities>>({
  // a page is one transaction that heartbeats while it runs: a worker that dies in it is noticed
  // within seconds and the page retried
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2, maximumAttempts: 20 },
});

const { finishPurge, dryRunPurge, openScheduledPurge } = proxyActivities<ReturnType<typeof createPurgeActivities>>({
  // counting queries over a site's expired rows
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2, maximumAttempts: 20 },
});

export const PURGE_PAGE_SIZE = 500;
/** Pages per run before continuing as new, so the history stays short for any number of rows. */
export const PURGE_PAGES_PER_RUN = 50;

export interface PurgeInput {
  /** the purge_runs row the API created: the workflow carries its id, never what it purges */
  purgeId?: string;
  /** a purge a schedule started: it opens its purge_runs row itself */
  siteId?: string;
  dryRun: boolean;
  pageSize?: number;
  /** where a continued run resumes */
  resume?: { categoryIndex: number; page: number; afterKey: string | null };
}

/** Started as purge:<site>:<time> (core/workflow-ids): each retention category of the site, in
 * pages of expired rows. */
export async function purge(scheduledOrStarted: PurgeInput): Promise<Partial<PurgeCounts>> {
  const input = { ...scheduledOrStarted, purgeId: scheduledOrStarted.purgeId ?? (await openPurge(scheduledOrStarted)) };
  if (input.dryRun) return dryRunPurge({ purgeId: input.purgeId });
  const pageSize = input.pageSize ?? PURGE_PAGE_SIZE;
  let { categoryIndex, page, afterKey } = input.resume ?? { categoryIndex: 0, page: 0, afterKey: null };
  try {
    for (let pages = 0; categoryIndex < RETENTION_CATEGORIES.length && pages < PURGE_PAGES_PER_RUN; pages++) {
      const result = await purgePage({ purgeId: input.purgeId, category: RETENTION_CATEGORIES[categoryIndex], page, afterKey, pageSize });
      if (result.done) {
        categoryIndex += 1;
        page = 0;
        afterKey = null;
      } else {
        page += 1;
        afterKey = result.lastKey;
      }
    }
  } catch (error) {
    await finishPurge({ purgeId: input.purgeId, status: 'failed' });
    throw error;
  }
  // outside the try: continuing as new is thrown, and is no failure
  if (categoryIndex < RETENTION_CATEGORIES.length) {
    return continueAsNew<typeof purge>({ ...input, resume: { categoryIndex, page, afterKey } });
  }
  return finishPurge({ purgeId: input.purgeId, status: 'completed' });
}

/** A schedule (services/purge-schedules) starts purge:<site>:<schedule suffix>-<time> with the
 * site and dryRun only: its log is opened here. */
async function openPurge(input: PurgeInput): Promise<string> {
  if (!input.siteId) throw new Error('a purge needs a purgeId or a siteId');
  return openScheduledPurge({ siteId: input.siteId, dryRun: input.dryRun, workflowId: workflowInfo().workflowId });
}
