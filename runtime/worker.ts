import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { SiteRulesSource } from '../core/rules/types';
import { createAuditActivities } from '../activities/audits';
import { createAuditReportActivities } from '../activities/audit-reports';
import { createImportActivities } from '../activities/imports';
import { createOnboardingActivities } from '../activities/onboarding';
import { createReviewActivities } from '../activities/reviews';
import { createPurgeActivities } from '../activities/purge';
import { createErasureActivities } from '../activities/erasure';
import { startReviewWorkflow } from '../services/reviews';
import type { Db } from './db';
import type { Mailer } from './mailer';

export const WORKFLOWS_PATH = require.resolve('../workflows/index.ts');

export interface WorkerDeps {
  db: Db;
  rules: SiteRulesSource;
  mailer: Mailer;
  publicUrl: string;
  actionTokenSecret: Buffer;
  /** for activities that start workflows (a review once its task exists) */
  client: Client;
  taskQueue: string;
}

export function createActivities(deps: WorkerDeps) {
  const onboardingDeps = { ...deps, startReview: (taskId: string) => startReviewWorkflow(deps, taskId) };
  return {
    ...createOnboardingActivities(onboardingDeps),
    ...createImportActivities(onboardingDeps),
    ...createReviewActivities(deps),
    ...createAuditActivities(deps),
    ...createAuditReportActivities(deps),
    ...createPurgeActivities(deps),
    ...createErasureActivities(deps),
  };
}

/** A worker for every workflow and activity of the platform, on one task queue. Pass a
 * pre-built bundle (tests build it once per run); otherwise the workflow code is bundled here. */
export async function createWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: WorkerDeps;
  workflowBundle?: WorkerOptions['workflowBundle'];
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
}
