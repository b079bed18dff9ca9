import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { createImportActivities } from '../activities/imports';

const { processImportPage } = proxyActivities<ReturnType<typeof createImportActivities>>({
  // a page of rows runs onboarding for each; the heartbeat says it is alive row by row
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2, maximumAttempts: 10 },
});

const { finishImport } = proxyActivities<ReturnType<typeof createImportActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

export const IMPORT_PAGE_SIZE = 200;
/** Pages per run before continuing as new, so the history stays short for any file size. */
export const IMPORT_PAGES_PER_RUN = 20;

export interface ImportInput {
  importId: string;
  /** where a continued run resumes: the last line processed */
  afterLine?: number;
}

/** Started as import:<importId> (core/workflow-ids) once the file is staged in import_rows. */
export async function importCustomers(input: ImportInput): Promise<void> {
  let afterLine = input.afterLine ?? 0;
  try {
    for (let page = 0; page < IMPORT_PAGES_PER_RUN; page++) {
      const result = await processImportPage({ importId: input.importId, afterLine, pageSize: IMPORT_PAGE_SIZE });
      afterLine = result.lastLine;
      if (result.done) {
        await finishImport({ importId: input.importId, status: 'completed' });
        return;
      }
    }
  } catch (error) {
    await finishImport({ importId: input.importId, status: 'failed' });
    throw error;
  }
  await continueAsNew<typeof importCustomers>({ importId: input.importId, afterLine });
}
